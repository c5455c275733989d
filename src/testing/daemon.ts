import { type DaemonExit, describeExit } from "../daemon/child.js";
import { ContainerdSupervisor } from "../daemon/supervisor.js";
import { guard, unguard } from "./exit-guard.js";

export { type DaemonExit, describeExit };

/** @internal How {@link Daemon.stop} ends the process. */
export interface DaemonStopOptions {
  /** The first signal; SIGKILL follows after `graceMs`. Default SIGTERM. */
  killSignal?: NodeJS.Signals;
  graceMs?: number;
}

/**
 * @internal The harness's containerd: a {@link ContainerdSupervisor} that does not restart by
 * itself (tests decide when the daemon comes back: `restart()`), with a last-resort kill if Node
 * exits while it runs. The harness waits for it to serve with its own client.
 */
export class Daemon {
  readonly #supervisor: ContainerdSupervisor;

  constructor(binary: string, configPath: string, socket: string, logPath: string, env: NodeJS.ProcessEnv) {
    // The config (rendered by config.ts) names root, state and the socket too.
    this.#supervisor = new ContainerdSupervisor({
      binary,
      configPath,
      address: socket,
      env,
      logPath,
      restart: false,
    });
    this.#supervisor.on("start", ({ pid }: { pid: number | undefined }) => pid !== undefined && guard(pid));
    this.#supervisor.on("exit", ({ pid }: DaemonExit) => pid !== undefined && unguard(pid));
  }

  /** Spawns containerd; the promise settles when that process ends, for whatever reason. */
  start(): Promise<DaemonExit> {
    return this.#supervisor.launch();
  }

  /** The running daemon's pid. */
  get pid(): number | undefined {
    return this.#supervisor.pid;
  }

  /**
   * Sends `killSignal` (SIGTERM), then SIGKILL after `graceMs`; resolves once the process is gone.
   * Harmless when not running.
   */
  async stop({ killSignal = "SIGTERM", graceMs = 5000 }: DaemonStopOptions = {}): Promise<void> {
    await this.#supervisor.stop({ killSignal, grace: graceMs });
  }
}
