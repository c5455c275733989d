import { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";
import { abortable } from "abort-controller-x";
import { checkCallOptions, type OperationOptions, rawOptions } from "./base/call-options.js";
import { withDeadline } from "./base/deadline.js";
import { assertIdentifier } from "./base/identifiers.js";
import { invalid } from "./base/validate.js";
import type { HandleContext } from "./containers/handle-context.js";
import { FailedPreconditionError, InvalidArgumentError, isNotFound, isUnknown } from "./errors/index.js";
import type { ContainerdEvent, ExitStatus } from "./events/event.js";
import { ProcessRecord } from "./events/process-record.js";
import { attachStdio, type ProcessIO, type StdioSpec } from "./io/index.js";
import { inOperation } from "./rpc/operation.js";
import { retryWhileShimCleansUp } from "./runtime/dead-shim.js";
import { type ProcessStatus, toProcessState } from "./runtime/process-status.js";
import { type Signal, signalNumber } from "./runtime/signals.js";

/** Events a process handle emits. Listening costs a hub entry only while a listener is attached. */
export interface ProcessEvents {
  /** The process exited; emitted once. */
  exit: [status: ExitStatus];
  /** The container hit its memory limit. */
  oom: [];
  /** The task (and so every process in it) was paused. */
  paused: [];
  /** The task was resumed. */
  resumed: [];
  /** A process started: for a Task any exec in it, for a Process itself. */
  "exec-started": [info: { execId: string; pid: number }];
}

/** What `wait()` takes. */
export interface WaitOptions {
  /** Aborting rejects this wait with an AbortError and leaves the process alone. */
  signal?: AbortSignal;
  /** Milliseconds before this wait fails with DeadlineExceededError (the process is left alone). */
  timeout?: number;
}

/** What `delete()` takes; `timeout` bounds the whole delete, including a forced kill's wait. */
export interface DeleteProcessOptions extends OperationOptions {
  /** Kill the process (SIGKILL) and wait for it first, so a running one can be deleted. */
  force?: boolean;
}

/** What `kill()` takes. */
export interface KillOptions extends OperationOptions {
  /** Signal every process in the container (tasks only). */
  all?: boolean;
}

/** How long delete() lets output someone is reading reach them before closing the FIFOs. */
const OUTPUT_DRAIN_MS = 2_000;

/** Handle events that come from the container's events rather than the process's exit. */
const CONTAINER_EVENTS = new Set<string | symbol>(["oom", "paused", "resumed", "exec-started"]);

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
 * What a task's init process and an exec'd process share: start, wait, kill, stdio,
 * delete. The exit lives in a record the client's event hub shares between every handle of the
 * same process, so loading a running task again and again adds nothing to the hub.
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
  #io: ProcessIO | undefined;
  #startError: unknown;
  readonly #record: ProcessRecord;
  #deleting: Promise<ExitStatus> | undefined;
  #stopExitListener: (() => void) | undefined;
  #stopContainerListener: (() => void) | undefined;
  readonly #detachOnClose = () => void this.#io?.detach();

  /** @internal */
  constructor(init: ProcessInit) {
    super();
    this.ctx = init.ctx;
    this.namespace = init.ctx.namespace;
    this.containerId = init.containerId;
    this.execId = init.execId;
    if (init.exited) {
      this.#record = new ProcessRecord(this.namespace, this.containerId, this.execId, init.pid);
      this.#record.settle(init.exited);
    } else {
      this.#record = this.ctx.hub.track(this.namespace, this.containerId, this.execId, init.pid);
    }
    if (init.started) this.#record.started = true;
    this.setIO(init.io);
    const plain = this as unknown as EventEmitter;
    plain.on("newListener", (name: string | symbol) => this.#listening(name, true));
    plain.on("removeListener", (name: string | symbol) => this.#listening(name, false));
  }

  /** The process id on the host; 0 until containerd has given one. */
  get pid(): number {
    return this.#record.pid ?? 0;
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
    return this.#record.status;
  }

  /**
   * Starts the process; resolves once it runs, with its pid. `signal` and `timeout` also bound the
   * wait for the client's event stream to be live (which makes sure the exit cannot be missed).
   */
  start(options?: OperationOptions): Promise<number> {
    return inOperation(async () => {
      options = checkCallOptions(options);
      try {
        await this.beforeStart(options);
        const res = await this.ctx.services.tasks.start(
          { containerId: this.containerId, execId: this.execId },
          rawOptions(options, this.namespace),
        );
        this.#record.started = true;
        // An exec's FIFOs are opened by the shim at start; a task's at create (attached twice is fine).
        this.#io?.attached();
        this.#closeStdinWhenSourceEnds();
        this.#record.setPid(res.pid);
        return res.pid;
      } catch (err) {
        // A process that never started has no exit to report: containerd's exit for it is not ours.
        this.#startError = err;
        this.#record.fail(err);
        this.ctx.hub.release(this.#record);
        throw err;
      }
    });
  }

  /**
   * Resolves with the exit status once the process exits (at once if it has). Any number of
   * callers. Aborting `signal` or running out of `timeout` rejects this wait only. After a daemon
   * restart the status comes from containerd's record of the exit; a process that vanished
   * without one rejects with NotFoundError.
   */
  wait(options?: WaitOptions): Promise<ExitStatus> {
    try {
      options = checkCallOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!options.signal && options?.timeout === undefined) return this.#record.exit;
    return withDeadline(`wait for ${this.#describe()}`, options, (signal) =>
      signal ? abortable(signal, this.#record.exit) : this.#record.exit,
    );
  }

  /** Sends a signal (default SIGTERM); NotFoundError once the process is gone. */
  async kill(signal: Signal = "SIGTERM", options?: KillOptions): Promise<void> {
    const number = signalNumber(signal);
    options = checkCallOptions(options);
    await inOperation(() =>
      this.ctx.services.tasks.kill(
        { containerId: this.containerId, execId: this.execId, signal: number, all: options.all === true },
        rawOptions(options, this.namespace),
      ),
    );
  }

  /**
   * Ends the process's stdin. The shim holds its own end of the stdin FIFO, so EOF reaches
   * the process only through this call (CloseIO), not by ending `stdin`.
   */
  async closeStdin(options?: OperationOptions): Promise<void> {
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
  async resize(cols: number, rows: number, options?: OperationOptions): Promise<void> {
    for (const [field, value] of [
      ["cols", cols],
      ["rows", rows],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
        throw invalid(field, value, "must be an integer from 1 to 65535");
      }
    }
    await this.ctx.services.tasks.resizePty(
      { containerId: this.containerId, execId: this.execId, width: cols, height: rows },
      rawOptions(options, this.namespace),
    );
  }

  /** The process's state as containerd sees it now (one RPC). */
  async status(options?: OperationOptions): Promise<ProcessStatus> {
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
   * process unless `force`; `timeout` bounds the whole call. Calling it again returns the same
   * status. With `force`, a process containerd no longer has is still cleaned up here (its FIFOs
   * closed) before the NotFoundError.
   */
  delete(options?: DeleteProcessOptions): Promise<ExitStatus> {
    try {
      options = checkCallOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#deleting ??= inOperation(() =>
      withDeadline(`delete of ${this.#describe()}`, options, (signal) =>
        this.#delete({ ...options, signal, timeout: undefined }),
      ),
    ).catch((err: unknown) => {
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
  protected async beforeStart(_options?: OperationOptions): Promise<void> {}

  /** @internal The delete RPC: Tasks.Delete for a task, Tasks.DeleteProcess for an exec. */
  protected abstract deleteRpc(options: OperationOptions | undefined): Promise<ExitStatus>;

  /** @internal Runs once the process is deleted. */
  protected afterDelete(): void {}

  /** @internal Records the pid containerd reported (task create gives it before start). */
  protected setPid(pid: number): void {
    this.#record.setPid(pid);
  }

  /** @internal Takes over IO opened by a subclass after construction. */
  protected setIO(io: ProcessIO | undefined): void {
    this.ctx.hub.closeSignal.removeEventListener("abort", this.#detachOnClose);
    this.#io = io;
    // The client is closing: let go of the FIFOs so nothing keeps Node's loop alive.
    if (io) this.ctx.hub.closeSignal.addEventListener("abort", this.#detachOnClose, { once: true });
  }

  /** @internal Undoes construction when containerd refused the process: no record, no FIFOs. */
  async abandonCreate(reason: unknown): Promise<void> {
    this.#record.fail(reason);
    this.#letGo();
    await this.#io?.close();
  }

  async #delete(options: DeleteProcessOptions): Promise<ExitStatus> {
    const record = this.#record;
    if (options.force && !record.settled && record.started && this.#startError === undefined) {
      try {
        await this.kill("SIGKILL", { all: this.execId === "", signal: options.signal });
        await this.wait({ signal: options.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    let status: ExitStatus;
    try {
      status = await retryWhileShimCleansUp(options.signal, () => this.deleteRpc(options));
    } catch (err) {
      if (isUnknown(err) && /running process/.test((err as Error).message)) {
        // containerd says UNKNOWN here; the Go client reports this state as failed precondition.
        throw new FailedPreconditionError(
          `${this.#describe()} must be stopped before deletion (or pass force: true)`,
          { cause: err },
        );
      }
      if (!isNotFound(err)) throw err;
      const known = record.status;
      if (!known) {
        if (options.force) await this.#cleanUp();
        throw err;
      }
      status = known;
    }
    record.settle(status);
    await this.#cleanUp();
    return status;
  }

  async #cleanUp(): Promise<void> {
    this.#letGo();
    await this.#closeIO();
    this.afterDelete();
  }

  #letGo(): void {
    this.ctx.hub.release(this.#record);
    this.#stopExitListener?.();
    this.#stopExitListener = undefined;
    this.#stopContainerListener?.();
    this.#stopContainerListener = undefined;
    this.ctx.hub.closeSignal.removeEventListener("abort", this.#detachOnClose);
  }

  /** Output someone reads gets up to OUTPUT_DRAIN_MS to arrive; output nobody reads is dropped at once. */
  async #closeIO(): Promise<void> {
    const io = this.#io;
    if (!io) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, OUTPUT_DRAIN_MS);
    });
    await Promise.race([io.readDone(), grace]);
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
      if (this.#record.settled) return;
      await this.ctx.services.tasks
        .closeIO(
          { containerId: this.containerId, execId: this.execId, stdin: true },
          { namespace: this.namespace },
        )
        .catch(() => {});
    });
  }

  /** Subscribes to the hub only while someone listens, so idle handles cost nothing there. */
  #listening(name: string | symbol, added: boolean): void {
    if (name === "exit") {
      if (added && !this.#stopExitListener && !this.#record.settled) {
        this.#stopExitListener = this.#record.listen((status) => {
          this.#stopExitListener = undefined;
          this.emit("exit", status);
        });
      } else if (!added && this.listenerCount("exit") === 0) {
        this.#stopExitListener?.();
        this.#stopExitListener = undefined;
      }
      return;
    }
    if (!CONTAINER_EVENTS.has(name)) return;
    if (added && !this.#stopContainerListener) {
      this.#stopContainerListener = this.ctx.hub.watchContainer(this.namespace, this.containerId, (ev) =>
        this.#onContainerEvent(ev),
      );
    } else if (!added) {
      let count = 0;
      for (const n of CONTAINER_EVENTS) count += this.listenerCount(n as keyof ProcessEvents);
      if (count === 0) {
        this.#stopContainerListener?.();
        this.#stopContainerListener = undefined;
      }
    }
  }

  #onContainerEvent(ev: ContainerdEvent): void {
    switch (ev.topic) {
      case "/tasks/oom":
        this.emit("oom");
        break;
      case "/tasks/paused":
        this.emit("paused");
        break;
      case "/tasks/resumed":
        this.emit("resumed");
        break;
      case "/tasks/exec-started":
        if (this.execId === "" || ev.event.execId === this.execId) {
          this.emit("exec-started", { execId: ev.event.execId, pid: ev.event.pid });
        }
        break;
    }
  }

  #describe(): string {
    const what = this.execId
      ? `process "${this.execId}" of task "${this.containerId}"`
      : `task "${this.containerId}"`;
    return `${what} in namespace "${this.namespace}"`;
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
  protected override async deleteRpc(options: OperationOptions | undefined): Promise<ExitStatus> {
    const res = await this.ctx.services.tasks.deleteProcess(
      { containerId: this.containerId, execId: this.execId },
      rawOptions(options, this.namespace),
    );
    return { exitCode: res.exitStatus, exitedAt: res.exitedAt ?? new Date(0) };
  }
}

/** What `task.loadProcess()` takes. */
export interface LoadProcessOptions extends OperationOptions, Pick<StdioSpec, "stdio"> {
  /** Re-open the process's FIFOs with `stdio` (default `"pipe"`), so output and stdin work again. */
  attach?: boolean;
}

/** One Tasks.Get for `execId` in the task `containerId`; NotFoundError when there is no such exec. */
export async function loadProcess(
  ctx: HandleContext,
  containerId: string,
  execId: string,
  options: LoadProcessOptions = {},
): Promise<Process> {
  assertIdentifier(execId, "execId");
  // The stream must be live before reading the state, or an exit in between would be lost.
  await ctx.hub.ready(ctx.namespace);
  const res = await ctx.services.tasks.get({ containerId, execId }, rawOptions(options, ctx.namespace));
  const p = res.process;
  if (!p)
    throw new InvalidArgumentError(`containerd returned no process "${execId}" for task "${containerId}"`);
  const state = toProcessState(p.status);
  const config = { stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, terminal: p.terminal };
  const io = options.attach
    ? await attachStdio({ stdio: options.stdio ?? "pipe", config, removeOnClose: true })
    : undefined;
  io?.attached();
  return new Process({
    ctx,
    containerId,
    execId,
    pid: state === "created" ? undefined : p.pid,
    io,
    started: state !== "created",
    exited: state === "stopped" ? { exitCode: p.exitStatus, exitedAt: p.exitedAt ?? new Date(0) } : undefined,
  });
}
