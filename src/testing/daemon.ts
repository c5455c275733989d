import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { guard, unguard } from "./exit-guard.js";
import { debug } from "./log.js";

/** @internal How the daemon process ended. */
export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** @internal Describes an exit for error messages. */
export function describeExit(exit: DaemonExit): string {
  if (exit.error) return `could not be started: ${exit.error.message}`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** @internal How {@link Daemon.stop} ends the process. */
export interface DaemonStopOptions {
  /** The first signal; SIGKILL follows after `graceMs`. Default SIGTERM. */
  signal?: NodeJS.Signals;
  graceMs?: number;
}

/**
 * @internal One containerd process at a time for one config: start, and stop with SIGTERM then
 * SIGKILL. `restart()` of the instance is stop() then start() on the same object.
 */
export class Daemon {
  readonly #binary: string;
  readonly #configPath: string;
  readonly #logPath: string;
  readonly #env: NodeJS.ProcessEnv;
  #child: ChildProcess | undefined;
  #exited: Promise<DaemonExit> | undefined;

  constructor(binary: string, configPath: string, logPath: string, env: NodeJS.ProcessEnv = process.env) {
    this.#binary = binary;
    this.#env = env;
    this.#configPath = configPath;
    this.#logPath = logPath;
  }

  /** Spawns containerd; the promise settles when that process ends, for whatever reason. */
  start(): Promise<DaemonExit> {
    if (this.#child) throw new Error("containerd-sdk/testing: containerd is already running");
    // The daemon writes straight to the file: a pipe would need draining and would die with us.
    const log = openSync(this.#logPath, "a");
    let child: ChildProcess;
    try {
      child = spawn(this.#binary, ["--config", this.#configPath], {
        stdio: ["ignore", log, log],
        env: this.#env,
      });
    } finally {
      closeSync(log);
    }
    this.#child = child;
    if (child.pid !== undefined) guard(child.pid);
    const exited = new Promise<DaemonExit>((resolve) => {
      const done = (exit: DaemonExit): void => {
        child.off("exit", onExit);
        child.off("error", onError);
        if (child.pid !== undefined) unguard(child.pid);
        if (this.#child === child) this.#child = undefined;
        debug("containerd %d %s", child.pid, describeExit(exit));
        resolve(exit);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => done({ code, signal });
      const onError = (error: Error): void => done({ code: null, signal: null, error });
      child.on("exit", onExit);
      child.on("error", onError);
    });
    this.#exited = exited;
    debug("containerd %d started with %s", child.pid, this.#configPath);
    return exited;
  }

  /** The running daemon's pid. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Sends `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves once the process is gone.
   * Harmless when not running.
   */
  async stop({ signal = "SIGTERM", graceMs = 5000 }: DaemonStopOptions = {}): Promise<void> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited) return;
    child.kill(signal);
    const timer = new AbortController();
    const late = sleep(graceMs, undefined, { signal: timer.signal }).then(
      () => true,
      () => false,
    );
    const killed = await Promise.race([exited.then(() => false), late]);
    timer.abort();
    if (killed) {
      debug("containerd %d ignored %s for %d ms; SIGKILL", child.pid, signal, graceMs);
      child.kill("SIGKILL");
    }
    await exited;
  }
}
