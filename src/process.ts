import { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";
import { abortable } from "abort-controller-x";
import { type CallOptions, rawOptions } from "./call-options.js";
import { FailedPreconditionError, InvalidArgumentError, isNotFound, isUnknown } from "./errors/index.js";
import type { ExitStatus } from "./events/event.js";
import type { ProcessSink, RoutedExit } from "./events/hub.js";
import type { HandleContext } from "./handle-context.js";
import type { ProcessIO } from "./io/index.js";
import { type ProcessStatus, toProcessState } from "./process-status.js";
import { type Signal, signalNumber } from "./signals.js";

/** Events a process handle emits. */
export interface ProcessEvents {
  /** The process exited; emitted once. */
  exit: [status: ExitStatus];
  /** The container hit its memory limit (tasks only). */
  oom: [];
}

/** What `delete()` takes. */
export interface DeleteProcessOptions extends CallOptions {
  /** Kill the process (SIGKILL) and wait for it first, so a running one can be deleted. */
  force?: boolean;
}

/** What `kill()` takes. */
export interface KillOptions extends CallOptions {
  /** Signal every process in the container (tasks only). */
  all?: boolean;
}

/** How long delete() lets output still in flight reach the caller before closing the FIFOs. */
const OUTPUT_DRAIN_MS = 2_000;

/** @internal Where a handle starts: identity, retained record, IO. */
export interface ProcessInit {
  ctx: HandleContext;
  containerId: string;
  /** `""` for a task's init process. */
  execId: string;
  pid?: number;
  io?: ProcessIO;
  started?: boolean;
  exited?: ExitStatus;
}

/**
 * @internal What a task's init process and an exec'd process share: start, wait, kill, stdio,
 * delete. The handle keeps its pid, IO and exit; the exit arrives on the client's event stream.
 */
export abstract class ProcessHandle extends EventEmitter<ProcessEvents> implements AsyncDisposable {
  /** The container this process runs in. */
  readonly containerId: string;
  /** The namespace the container lives in. */
  readonly namespace: string;
  /** @internal */
  protected readonly ctx: HandleContext;
  /** @internal */
  protected readonly execId: string;
  #pid: number | undefined;
  #io: ProcessIO | undefined;
  #started: boolean;
  #exited: ExitStatus | undefined;
  #pendingExit: RoutedExit | undefined;
  #startError: unknown;
  readonly #exit: Promise<ExitStatus>;
  #resolveExit!: (status: ExitStatus) => void;
  #rejectExit!: (err: unknown) => void;
  #unwatch: (() => void) | undefined;
  #deleting: Promise<ExitStatus> | undefined;

  /** @internal */
  constructor(init: ProcessInit) {
    super();
    this.ctx = init.ctx;
    this.namespace = init.ctx.namespace;
    this.containerId = init.containerId;
    this.execId = init.execId;
    this.#pid = init.pid;
    this.#io = init.io;
    this.#started = init.started ?? false;
    this.#exit = new Promise<ExitStatus>((resolve, reject) => {
      this.#resolveExit = resolve;
      this.#rejectExit = reject;
    });
    // A wait nobody asked for must not surface as an unhandled rejection.
    this.#exit.catch(() => {});
    if (init.exited) this.#settle(init.exited);
    else {
      const sink: ProcessSink = {
        exit: (exit) => this.#onExit(exit),
        oom: () => this.emit("oom"),
        abandon: (err) => {
          this.#rejectExit(err);
          // The client is closing: let go of the FIFOs so nothing keeps Node's loop alive.
          void this.#io?.detach();
        },
      };
      this.#unwatch = this.ctx.hub.watch(this.namespace, this.containerId, this.execId, sink);
    }
  }

  /** The process id on the host; 0 until containerd has given one. */
  get pid(): number {
    return this.#pid ?? 0;
  }

  /** The process's stdin when its stdio is `"pipe"`; else null. */
  get stdin(): Writable | null {
    return this.#io?.stdin ?? null;
  }

  /** The process's stdout (a pty's output with a terminal) when its stdio is `"pipe"`; else null. */
  get stdout(): Readable | null {
    return this.#io?.stdout ?? null;
  }

  /** The process's stderr when its stdio is `"pipe"` and it has no terminal; else null. */
  get stderr(): Readable | null {
    return this.#io?.stderr ?? null;
  }

  /** The exit status once the process has exited, without waiting. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exited;
  }

  /** Starts the process; resolves once it runs, with its pid. */
  async start(options?: CallOptions): Promise<number> {
    await this.beforeStart();
    try {
      const res = await this.ctx.services.tasks.start(
        { containerId: this.containerId, execId: this.execId },
        rawOptions(options, this.namespace),
      );
      this.#started = true;
      // An exec's FIFOs are opened by the shim at start; a task's at create (attached twice is fine).
      this.#io?.attached();
      this.#closeStdinWhenSourceEnds();
      this.#setPid(res.pid);
      return res.pid;
    } catch (err) {
      // A process that never started has no exit to report: containerd's exit for it is not ours.
      this.#startError = err;
      this.#unwatchNow();
      this.#rejectExit(err);
      throw err;
    }
  }

  /**
   * Resolves with the exit status once the process exits (at once if it has). Any number of
   * callers; aborting `signal` rejects this wait with an AbortError and leaves the process alone.
   */
  wait(options?: { signal?: AbortSignal }): Promise<ExitStatus> {
    return options?.signal ? abortable(options.signal, this.#exit) : this.#exit;
  }

  /** Sends a signal (default SIGTERM); NotFoundError once the process is gone. */
  async kill(signal: Signal = "SIGTERM", options?: KillOptions): Promise<void> {
    const number = signalNumber(signal);
    await this.ctx.services.tasks.kill(
      { containerId: this.containerId, execId: this.execId, signal: number, all: options?.all ?? false },
      rawOptions(options, this.namespace),
    );
  }

  /**
   * Ends the process's stdin. The shim holds its own end of the stdin FIFO, so EOF reaches
   * the process only through this call (CloseIO), not by ending `stdin`.
   */
  async closeStdin(options?: CallOptions): Promise<void> {
    this.#io?.closeStdinLocal();
    await this.ctx.services.tasks.closeIO(
      { containerId: this.containerId, execId: this.execId, stdin: true },
      rawOptions(options, this.namespace),
    );
  }

  /**
   * Closes this handle's end of the stdio and leaves the process running with its FIFOs in place,
   * so `container.task({ attach: true })` can pick it up again. `wait()` still works.
   */
  async detach(): Promise<void> {
    await this.#io?.detach();
  }

  /** Sets the terminal's size (processes with `terminal: true`). */
  async resize(cols: number, rows: number, options?: CallOptions): Promise<void> {
    for (const [field, value] of [
      ["cols", cols],
      ["rows", rows],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
        throw new InvalidArgumentError(`${field}: ${value} must be an integer from 1 to 65535`, { field });
      }
    }
    await this.ctx.services.tasks.resizePty(
      { containerId: this.containerId, execId: this.execId, width: cols, height: rows },
      rawOptions(options, this.namespace),
    );
  }

  /** The process's state as containerd sees it now (one RPC). */
  async status(options?: CallOptions): Promise<ProcessStatus> {
    const res = await this.ctx.services.tasks.get(
      { containerId: this.containerId, execId: this.execId },
      rawOptions(options, this.namespace),
    );
    const p = res.process;
    const state = p ? toProcessState(p.status) : "unknown";
    if (state !== "stopped" || !p) return { status: state };
    return { status: state, exitCode: p.exitStatus, exitedAt: p.exitedAt ?? new Date(0) };
  }

  /**
   * Deletes the process and its FIFOs, resolving with its exit status. Fails on a running
   * process unless `force`. Calling it again returns the same status.
   */
  delete(options?: DeleteProcessOptions): Promise<ExitStatus> {
    this.#deleting ??= this.#delete(options).catch((err: unknown) => {
      this.#deleting = undefined;
      throw err;
    });
    return this.#deleting;
  }

  /** Force-deletes the process; quiet when it is already gone. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete({ force: true }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** @internal Runs before Tasks.Start (the task makes sure the event stream is live). */
  protected async beforeStart(): Promise<void> {}

  /** @internal The delete RPC: Tasks.Delete for a task, Tasks.DeleteProcess for an exec. */
  protected abstract deleteRpc(options: CallOptions | undefined): Promise<ExitStatus>;

  /** @internal Runs once the process is deleted. */
  protected afterDelete(): void {}

  /** @internal Records the pid containerd reported (task create gives it before start). */
  protected setPid(pid: number): void {
    this.#setPid(pid);
  }

  /** @internal Takes over IO opened by a subclass after construction. */
  protected setIO(io: ProcessIO): void {
    this.#io = io;
  }

  /** @internal Undoes construction when containerd refused the process: no sink, no FIFOs. */
  async abandonCreate(reason: unknown): Promise<void> {
    this.#unwatchNow();
    this.#rejectExit(reason);
    await this.#io?.close();
  }

  async #delete(options: DeleteProcessOptions | undefined): Promise<ExitStatus> {
    if (options?.force && !this.#exited && this.#started && this.#startError === undefined) {
      try {
        await this.kill("SIGKILL", { all: this.execId === "", signal: options.signal });
        await this.wait({ signal: options.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    let status: ExitStatus;
    try {
      status = await this.deleteRpc(options);
    } catch (err) {
      if (isUnknown(err) && /running process/.test((err as Error).message)) {
        // containerd says UNKNOWN here; the Go client reports this state as failed precondition.
        throw new FailedPreconditionError(
          `${this.#describe()} must be stopped before deletion (or pass force: true)`,
          { cause: err },
        );
      }
      if (!isNotFound(err) || !this.#exited) throw err;
      status = this.#exited;
    }
    if (!this.#exited) this.#settle(status);
    this.#unwatchNow();
    await this.#closeIO();
    this.afterDelete();
    return status;
  }

  async #closeIO(): Promise<void> {
    const io = this.#io;
    if (!io) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, OUTPUT_DRAIN_MS);
    });
    await Promise.race([io.done, grace]);
    clearTimeout(timer);
    await io.close();
  }

  /**
   * A caller's Readable as stdin: when it ends, send CloseIO so the process sees EOF, as it would
   * with child_process. (A `"pipe"` stdin is closed explicitly with `closeStdin()`.)
   */
  #closeStdinWhenSourceEnds(): void {
    const io = this.#io;
    // A pty's console closes with its stdin (SIGHUP, output lost); the Go client never sends it.
    if (!io || io.config.stdin === "" || io.stdin !== null || io.config.terminal) return;
    void io.stdinClosed.then(async () => {
      if (this.#exited) return;
      await this.ctx.services.tasks
        .closeIO(
          { containerId: this.containerId, execId: this.execId, stdin: true },
          { namespace: this.namespace },
        )
        .catch(() => {});
    });
  }

  #describe(): string {
    const what = this.execId
      ? `process "${this.execId}" of task "${this.containerId}"`
      : `task "${this.containerId}"`;
    return `${what} in namespace "${this.namespace}"`;
  }

  #onExit(exit: RoutedExit): void {
    if (this.#exited) return;
    if (this.#pid === undefined) {
      this.#pendingExit = exit;
      return;
    }
    // An exit with another pid belongs to an earlier process that had the same id.
    if (exit.pid !== this.#pid) return;
    this.#settle({ exitCode: exit.exitStatus, exitedAt: exit.exitedAt });
  }

  #setPid(pid: number): void {
    this.#pid = pid;
    const pending = this.#pendingExit;
    this.#pendingExit = undefined;
    if (pending) this.#onExit(pending);
  }

  #settle(status: ExitStatus): void {
    this.#exited = status;
    this.#unwatchNow();
    this.#resolveExit(status);
    this.emit("exit", status);
  }

  #unwatchNow(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }
}

/** An exec'd process in a running task: created by `task.exec`, started with `start()`. */
export class Process extends ProcessHandle {
  /** The exec id, unique within the task. */
  readonly id: string;

  /** @internal */
  constructor(init: ProcessInit) {
    super(init);
    this.id = init.execId;
  }

  /** @internal */
  protected override async deleteRpc(options: CallOptions | undefined): Promise<ExitStatus> {
    const res = await this.ctx.services.tasks.deleteProcess(
      { containerId: this.containerId, execId: this.execId },
      rawOptions(options, this.namespace),
    );
    return { exitCode: res.exitStatus, exitedAt: res.exitedAt ?? new Date(0) };
  }
}
