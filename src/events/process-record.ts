import type { ExitStatus } from "./event.js";

/** An exit as the hub routes it. */
export interface RoutedExit {
  pid: number;
  exitStatus: number;
  exitedAt: Date;
}

/**
 * What the hub knows of one process (namespace, container, exec id, pid): its exit,
 * settled exactly once. Every handle of the same process shares the record, so reloading a
 * running task does not add entries.
 */
export class ProcessRecord {
  readonly namespace: string;
  readonly containerId: string;
  /** `""` for a task's init process. */
  readonly execId: string;
  /** Whether Tasks.Start (or a load) said it runs. */
  started = false;
  readonly exit: Promise<ExitStatus>;
  #pid: number | undefined;
  #status: ExitStatus | undefined;
  #failed = false;
  #pending: RoutedExit[] = [];
  readonly #listeners = new Set<(status: ExitStatus) => void>();
  #resolve!: (status: ExitStatus) => void;
  #reject!: (err: unknown) => void;
  /** Set by the hub: removes the record once it is settled. */
  onSettled: (() => void) | undefined;

  constructor(namespace: string, containerId: string, execId: string, pid?: number) {
    this.namespace = namespace;
    this.containerId = containerId;
    this.execId = execId;
    this.#pid = pid;
    this.exit = new Promise<ExitStatus>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A wait nobody asked for must not surface as an unhandled rejection.
    this.exit.catch(() => {});
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get status(): ExitStatus | undefined {
    return this.#status;
  }

  get settled(): boolean {
    return this.#status !== undefined || this.#failed;
  }

  /** Records the pid containerd gave; an exit that came before it is matched now. */
  setPid(pid: number): void {
    this.#pid = pid;
    const pending = this.#pending;
    this.#pending = [];
    for (const exit of pending) this.offer(exit);
  }

  /**
   * An exit for this (namespace, container, exec id): taken if its pid is this process's (an
   * exit with another pid belongs to an earlier process that had the same id). containerd's exit
   * after a shim death may carry pid 0. A repeat is ignored.
   */
  offer(exit: RoutedExit): boolean {
    if (this.settled) return false;
    if (this.#pid === undefined) {
      this.#pending.push(exit);
      return false;
    }
    if (exit.pid !== this.#pid && exit.pid !== 0) return false;
    this.settle({ exitCode: exit.exitStatus, exitedAt: exit.exitedAt });
    return true;
  }

  settle(status: ExitStatus): void {
    if (this.settled) return;
    this.#status = status;
    this.#pending = [];
    this.#resolve(status);
    this.onSettled?.();
    for (const listener of [...this.#listeners]) listener(status);
    this.#listeners.clear();
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.#failed = true;
    this.#pending = [];
    this.#reject(err);
    this.onSettled?.();
    this.#listeners.clear();
  }

  /** Calls `listener` once with the exit; returns the function that stops it. */
  listen(listener: (status: ExitStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
