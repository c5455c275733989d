import { EventEmitter } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { optionsObject } from "../base/call-options.js";
import { checkKillSignal } from "../base/kill-signal.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { checkString, invalid, isRecord } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import { type Child, type DaemonExit, describeExit, spawnChild, stopChild } from "./child.js";
import { waitHealthy } from "./health.js";
import { debug } from "./log.js";
import { type ContainerdConfig, renderToml } from "./toml.js";

/** When and how often a supervised containerd that died is started again. */
export interface RestartPolicy {
  /** Milliseconds before the first restart. Default 100. */
  initialDelay?: number;
  /** The delay doubles with each restart in a row, up to this. Default 5000. */
  maxDelay?: number;
  /** Give up (event `giveup`) after this many restarts in a row. Default: never. */
  maxRestarts?: number;
  /** A daemon that stayed up this long (ms) starts a new run of restarts at `initialDelay`. Default 10000. */
  resetAfter?: number;
}

/** What {@link superviseContainerd} runs. */
export interface SuperviseOptions {
  /** The containerd executable: a path, or a name looked up on `env.PATH`. Default `"containerd"`. */
  binary?: string;
  /** containerd's config: TOML text, or an object rendered to TOML. Written to `configPath`. */
  config?: string | ContainerdConfig;
  /** Where `config` is written (`--config`). Default `<state>/containerd.toml`. */
  configPath?: string;
  /** `--root`: content, metadata, snapshots. Default: the config's, else `/var/lib/containerd`. */
  root?: string;
  /** `--state`: sockets and task bundles. Default: the config's, else `/run/containerd`. */
  state?: string;
  /** `--address`: the gRPC unix socket, which the supervisor polls for health. Required. */
  address: string;
  /** The daemon's environment. Default `process.env`; its PATH finds the shims and runc. */
  env?: NodeJS.ProcessEnv;
  /** Appends the daemon's stdout and stderr to this file. Default: discarded. */
  logPath?: string;
  /** Milliseconds for each start to report SERVING on its health service. Default 20000. */
  startTimeout?: number;
  /** Restarting a daemon that died; `false` leaves it down (event `exit` only). Default `{}`. */
  restart?: RestartPolicy | false;
  /** Milliseconds between SIGTERM and SIGKILL in `stop()`. Default 10000. */
  stopGrace?: number;
}

/** How {@link ContainerdSupervisor.stop} ends the daemon. */
export interface SupervisorStopOptions {
  /** The first signal sent to the daemon (as child_process's `killSignal`); SIGKILL follows after `grace`. Default SIGTERM. */
  killSignal?: NodeJS.Signals;
  /** Milliseconds; default the supervisor's `stopGrace`. */
  grace?: number;
}

const SUPERVISE_KEYS = optionKeys<SuperviseOptions>()([
  "binary",
  "config",
  "configPath",
  "root",
  "state",
  "address",
  "env",
  "logPath",
  "startTimeout",
  "restart",
  "stopGrace",
]);
const RESTART_POLICY_KEYS = optionKeys<RestartPolicy>()([
  "initialDelay",
  "maxDelay",
  "maxRestarts",
  "resetAfter",
]);
const STOP_KEYS = optionKeys<SupervisorStopOptions>()(["killSignal", "grace"]);

/** Payload of `start`: a containerd process was spawned. */
export interface SupervisorStartEvent {
  pid: number | undefined;
}
/** Payload of `ready`: the daemon's health service reports SERVING. */
export interface SupervisorReadyEvent {
  pid: number | undefined;
  /** Milliseconds from spawn to SERVING. */
  ms: number;
}
/** Payload of `exit`: the process ended; `expected` when stop() asked for it. */
export interface SupervisorExitEvent extends DaemonExit {
  expected: boolean;
}
/** Payload of `restart`: a restart is scheduled after `delay` ms; `attempt` counts restarts in a row. */
export interface SupervisorRestartEvent {
  attempt: number;
  delay: number;
}

const DEFAULTS = {
  initialDelay: 100,
  maxDelay: 5000,
  maxRestarts: Number.POSITIVE_INFINITY,
  resetAfter: 10_000,
};

function positive(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw invalid(field, value, "must be a number >= 0");
  }
}

/** Every option checked before anything runs: names, types of the numbers, the address. */
function checkSuperviseOptions(options: SuperviseOptions): SuperviseOptions {
  const checked = optionsObject(options);
  checkOptionKeys(checked, SUPERVISE_KEYS);
  if (typeof checked.address !== "string" || checked.address === "") {
    throw new InvalidArgumentError("address: the daemon's socket path is required", { field: "address" });
  }
  for (const field of ["binary", "configPath", "root", "state", "logPath"] as const) {
    if (checked[field] !== undefined) checkString(field, checked[field]);
  }
  if (checked.config !== undefined && typeof checked.config !== "string" && !isRecord(checked.config)) {
    throw invalid("config", checked.config, "must be TOML text or an object");
  }
  if (checked.env !== undefined && !isRecord(checked.env))
    throw invalid("env", checked.env, "must be an object");
  for (const field of ["startTimeout", "stopGrace"] as const) positive(checked[field], field);
  const { restart } = checked;
  if (restart !== undefined && restart !== false) {
    if (!isRecord(restart)) throw invalid("restart", restart, "must be a restart policy object or false");
    checkOptionKeys(restart, RESTART_POLICY_KEYS, "restart");
    for (const field of RESTART_POLICY_KEYS) positive(restart[field], `restart.${field}`);
  }
  return checked as SuperviseOptions;
}

/**
 * A containerd child process kept running: started with a generated config, watched through its
 * health service, restarted with capped exponential backoff when it dies, stopped with SIGTERM then
 * SIGKILL. Clients connect to `address` as to any containerd.
 *
 * Events: `start` ({@link SupervisorStartEvent}), `ready` ({@link SupervisorReadyEvent}), `exit`
 * ({@link SupervisorExitEvent}), `restart` ({@link SupervisorRestartEvent}), `giveup` (after
 * `maxRestarts`), `error` (a restart failed to come up; another follows unless it gave up). An
 * `error` event without a listener is only logged, never thrown.
 */
export class ContainerdSupervisor extends EventEmitter {
  /** The socket clients connect to. */
  readonly address: string;
  readonly #options: SuperviseOptions;
  readonly #policy: Required<RestartPolicy> | undefined;
  readonly #configPath: string | undefined;
  #child: Child | undefined;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #health: AbortController | undefined;

  /** @internal Use {@link superviseContainerd}. */
  constructor(options: SuperviseOptions) {
    super();
    options = checkSuperviseOptions(options);
    this.address = options.address;
    this.#options = options;
    this.#policy = options.restart === false ? undefined : { ...DEFAULTS, ...options.restart };
    this.#configPath =
      options.configPath ??
      (options.config !== undefined
        ? join(options.state ?? "/run/containerd", "containerd.toml")
        : undefined);
  }

  /** The running daemon's pid; undefined while it is down. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether a containerd process is up (it may not serve yet). */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** @internal Settles when the current process ends; undefined while none runs. */
  get exited(): Promise<DaemonExit> | undefined {
    return this.#child?.exited;
  }

  /**
   * Writes the config, starts containerd and resolves once its health service reports SERVING. If
   * it exits first or does not serve within `startTimeout`, it is stopped and this rejects. Also
   * brings the daemon back after `stop()`.
   */
  async start(): Promise<void> {
    if (this.#child) throw new Error("containerd-sdk/daemon: containerd is already running");
    try {
      await this.#startOnce();
    } catch (err) {
      // A start the caller awaits fails for the caller: no restart behind its back.
      await this.stop();
      throw err;
    }
  }

  async #startOnce(): Promise<void> {
    this.#stopping = false;
    await this.#writeConfig();
    await this.#untilHealthy(this.#spawn());
  }

  /**
   * @internal Spawns containerd without waiting for it to serve (the testing harness waits its own
   * way); the promise settles when that process ends.
   */
  launch(): Promise<DaemonExit> {
    if (this.#child) throw new Error("containerd-sdk/daemon: containerd is already running");
    this.#stopping = false;
    return this.#spawn().exited;
  }

  #spawn(): Child {
    const { binary = "containerd", env = process.env, logPath } = this.#options;
    const child = spawnChild({ binary, args: this.#args(), env, logPath });
    this.#child = child;
    const startedAt = Date.now();
    this.emit("start", { pid: child.pid } satisfies SupervisorStartEvent);
    void child.exited.then((exit) => this.#onExit(child, exit, startedAt));
    return child;
  }

  /**
   * Stops the daemon and any restart: `killSignal` (SIGTERM), then SIGKILL after the grace period. The
   * grace and backoff timers are cleared; resolves when the process is gone. Idempotent.
   */
  async stop(options?: SupervisorStopOptions): Promise<void> {
    const checked = optionsObject(options);
    const killSignal = checkKillSignal(checked, "stop()", "SIGTERM");
    checkOptionKeys(checked, STOP_KEYS);
    positive(checked.grace, "grace");
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    this.#health?.abort(new Error("containerd-sdk/daemon: stopped"));
    const child = this.#child;
    if (!child) return;
    await stopChild(child, killSignal, checked.grace ?? this.#options.stopGrace ?? 10_000);
  }

  /** Same as `stop()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #args(): string[] {
    const { root, state, address } = this.#options;
    return [
      ...(this.#configPath ? ["--config", this.#configPath] : []),
      ...(root ? ["--root", root] : []),
      ...(state ? ["--state", state] : []),
      "--address",
      address,
    ];
  }

  async #writeConfig(): Promise<void> {
    const { config } = this.#options;
    if (config === undefined || !this.#configPath) return;
    const text = typeof config === "string" ? config : renderToml(config);
    await mkdir(dirname(this.#configPath), { recursive: true, mode: 0o711 });
    await writeFile(this.#configPath, text, { mode: 0o600 });
  }

  async #untilHealthy(child: Child): Promise<void> {
    const health = new AbortController();
    this.#health = health;
    const started = Date.now();
    const onExit = (exit: DaemonExit) =>
      health.abort(new Error(`containerd ${describeExit(exit)} before it served ${this.address}`));
    void child.exited.then(onExit);
    try {
      await waitHealthy(this.address, this.#options.startTimeout ?? 20_000, health.signal);
    } catch (err) {
      if (this.#child === child) await stopChild(child, "SIGKILL", 0);
      throw err;
    } finally {
      if (this.#health === health) this.#health = undefined;
    }
    this.emit("ready", { pid: child.pid, ms: Date.now() - started } satisfies SupervisorReadyEvent);
  }

  #onExit(child: Child, exit: DaemonExit, startedAt: number): void {
    if (this.#child === child) this.#child = undefined;
    const expected = this.#stopping;
    this.emit("exit", { ...exit, expected } satisfies SupervisorExitEvent);
    const policy = this.#policy;
    if (expected || !policy) return;
    if (Date.now() - startedAt >= policy.resetAfter) this.#attempt = 0;
    if (this.#attempt >= policy.maxRestarts) {
      debug("containerd died %d times in a row; giving up", this.#attempt);
      this.emit("giveup", { restarts: this.#attempt });
      return;
    }
    this.#attempt++;
    const delay = Math.min(policy.maxDelay, policy.initialDelay * 2 ** (this.#attempt - 1));
    debug("containerd %s; restart %d in %d ms", describeExit(exit), this.#attempt, delay);
    this.emit("restart", { attempt: this.#attempt, delay } satisfies SupervisorRestartEvent);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      this.#startOnce().catch((err: unknown) => {
        // The failed start's exit already scheduled the next attempt (or gave up).
        debug("restart %d failed: %s", this.#attempt, (err as Error).message);
        if (this.listenerCount("error") > 0) this.emit("error", err);
      });
    }, delay);
  }
}

/**
 * Starts containerd as a supervised child and resolves once it serves (health SERVING). It is
 * restarted with capped backoff whenever it dies, until `stop()`.
 *
 * @example
 * ```ts
 * import { superviseContainerd } from "containerd-sdk/daemon";
 * await using daemon = await superviseContainerd({
 *   address: "/run/myapp/containerd.sock", root: "/var/lib/myapp/containerd", state: "/run/myapp/containerd",
 *   config: { version: 2, disabled_plugins: ["io.containerd.grpc.v1.cri"] },
 * });
 * daemon.on("restart", ({ attempt, delay }) => log(`containerd died; restart ${attempt} in ${delay} ms`));
 * const client = await Client.connect({ address: daemon.address });
 * ```
 */
export async function superviseContainerd(options: SuperviseOptions): Promise<ContainerdSupervisor> {
  const supervisor = new ContainerdSupervisor(options);
  await supervisor.start();
  return supervisor;
}
