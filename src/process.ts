import { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";
import { abortable } from "abort-controller-x";
import { checkOptions, type OperationOptions, rawOptions } from "./base/call-options.js";
import { withDeadline } from "./base/deadline.js";
import { OPERATION_OPTION_KEYS, optionKeys } from "./base/option-keys.js";
import { invalid } from "./base/validate.js";
import { FailedPreconditionError, isNotFound, isUnknown } from "./errors/index.js";
import type { ExitStatus } from "./events/event.js";
import type { ProcessRecord } from "./events/process-record.js";
import type { ProcessIO } from "./io/index.js";
import { ProcessEventRelay, type ProcessEvents } from "./processes/event-relay.js";
import { type ProcessInit, recordFor } from "./processes/init.js";
import {
  describeProcess,
  execLifecycle,
  type Lifecycle,
  type ProcessRef,
  toExitStatus,
} from "./processes/lifecycle.js";
import { closeAfterDrain, closeStdinWhenSourceEnds } from "./processes/stdio.js";
import { inOperation } from "./rpc/operation.js";
import { retryWhileShimCleansUp } from "./runtime/dead-shim.js";
import { type ProcessStatus, toProcessState } from "./runtime/process-status.js";
import { type Signal, signalNumber } from "./runtime/signals.js";

export type { ProcessEvents } from "./processes/event-relay.js";

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

const KILL_KEYS = optionKeys<KillOptions>()([...OPERATION_OPTION_KEYS, "all"]);
const DELETE_KEYS = optionKeys<DeleteProcessOptions>()([...OPERATION_OPTION_KEYS, "force"]);

/**
 * What a task's init process and an exec'd process share: start, wait, kill, stdio, delete. The
 * exit lives in a record the client's event hub shares between every handle of the same process,
 * so loading a running task again and again adds nothing to the hub. Where a task and an exec
 * differ (how they are started and deleted) is the `Lifecycle` each subclass passes in.
 */
export abstract class ProcessHandle extends EventEmitter<ProcessEvents> implements AsyncDisposable {
  /** The container this process runs in. */
  readonly containerId: string;
  /** The namespace the container lives in. */
  readonly namespace: string;
  readonly #ref: ProcessRef;
  readonly #lifecycle: Lifecycle;
  /** What is known of the process (pid, started, exit), shared with its other handles. */
  readonly #record: ProcessRecord;
  readonly #io: ProcessIO | undefined;
  readonly #events: ProcessEventRelay;
  #deleting: Promise<ExitStatus> | undefined;
  // The client is closing: let go of the FIFOs so nothing keeps Node's loop alive.
  readonly #detachOnClose = () => void this.#io?.detach();

  /** @internal */
  constructor(init: ProcessInit, lifecycle: Lifecycle) {
    super();
    const { ctx, containerId, execId } = init;
    this.#ref = { ctx, containerId, execId };
    this.namespace = ctx.namespace;
    this.containerId = containerId;
    this.#lifecycle = lifecycle;
    this.#record = recordFor(init);
    this.#io = init.io;
    if (init.io) ctx.hub.closeSignal.addEventListener("abort", this.#detachOnClose, { once: true });
    this.#events = new ProcessEventRelay(this, this.#record, this.#ref);
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
      options = checkOptions(options, OPERATION_OPTION_KEYS);
      const record = this.#record;
      try {
        const pid = await this.#lifecycle.start(this.#ref, options);
        record.started = true;
        // An exec's FIFOs are opened by the shim at start; a task's at create (attached twice is fine).
        this.#io?.attached();
        if (this.#io) closeStdinWhenSourceEnds(this.#io, this.#ref, () => record.settled);
        record.setPid(pid);
        return pid;
      } catch (err) {
        // A process that never started has no exit to report: containerd's exit for it is not ours.
        record.fail(err);
        this.#ref.ctx.hub.release(record);
        throw err;
      }
    });
  }

  /**
   * Resolves with the exit status once the process exits (at once if it has). Any number of
   * callers. Aborting `signal` or running out of `timeout` (which waits do honour) rejects this
   * wait only, leaving the process alone. After a daemon restart the status comes from
   * containerd's record of the exit; a process that vanished without one rejects with NotFoundError.
   */
  wait(options?: OperationOptions): Promise<ExitStatus> {
    try {
      options = checkOptions(options, OPERATION_OPTION_KEYS);
    } catch (err) {
      return Promise.reject(err);
    }
    const exit = this.#record.exit;
    if (!options.signal && options.timeout === undefined) return exit;
    return withDeadline(`wait for ${describeProcess(this.#ref)}`, options, (signal) =>
      signal ? abortable(signal, exit) : exit,
    );
  }

  /** Sends a signal (default SIGTERM); NotFoundError once the process is gone. */
  async kill(signal: Signal = "SIGTERM", options?: KillOptions): Promise<void> {
    const number = signalNumber(signal);
    options = checkOptions(options, KILL_KEYS);
    const { ctx, containerId, execId } = this.#ref;
    await inOperation(() =>
      ctx.services.tasks.kill(
        { containerId, execId, signal: number, all: options.all === true },
        rawOptions(options, ctx.namespace),
      ),
    );
  }

  /**
   * Ends the process's stdin. The shim holds its own end of the stdin FIFO, so EOF reaches
   * the process only through this call (CloseIO), not by ending `stdin`.
   */
  async closeStdin(options?: OperationOptions): Promise<void> {
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    this.#io?.closeStdinLocal();
    const { ctx, containerId, execId } = this.#ref;
    await ctx.services.tasks.closeIO(
      { containerId, execId, stdin: true },
      rawOptions(options, ctx.namespace),
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
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const { ctx, containerId, execId } = this.#ref;
    await ctx.services.tasks.resizePty(
      { containerId, execId, width: cols, height: rows },
      rawOptions(options, ctx.namespace),
    );
  }

  /** The process's state as containerd sees it now (one RPC). */
  async status(options?: OperationOptions): Promise<ProcessStatus> {
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const { ctx, containerId, execId } = this.#ref;
    const res = await ctx.services.tasks.get({ containerId, execId }, rawOptions(options, ctx.namespace));
    const p = res.process;
    const state = p ? toProcessState(p.status) : "unknown";
    if (state !== "stopped" || !p) return { status: state };
    const { exitCode, exitedAt } = toExitStatus(p);
    return { status: state, exitCode, exitedAt };
  }

  /**
   * Deletes the process and its FIFOs, resolving with its exit status. Fails on a running
   * process unless `force`; `timeout` bounds the whole call. Calling it again returns the same
   * status. With `force`, a process containerd no longer has is still cleaned up here (its FIFOs
   * closed) before the NotFoundError.
   */
  delete(options?: DeleteProcessOptions): Promise<ExitStatus> {
    try {
      options = checkOptions(options, DELETE_KEYS);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#deleting ??= inOperation(() =>
      withDeadline(`delete of ${describeProcess(this.#ref)}`, options, (signal) =>
        this.#delete({ ...options, signal, timeout: undefined }),
      ),
    ).catch((err: unknown) => {
      this.#deleting = undefined;
      throw err;
    });
    return this.#deleting;
  }

  /**
   * Disposing a handle removes what it stands for from containerd, with what depends on it,
   * quietly if it is already gone. Here that is `delete({ force: true })`: a running process is
   * killed first (a task with every exec in it), and a NotFoundError is swallowed.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete({ force: true }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async #delete(options: DeleteProcessOptions): Promise<ExitStatus> {
    const record = this.#record;
    // A process that failed to start is settled too: there is nothing to kill.
    if (options.force && record.started && !record.settled) await this.#killAndWait(options.signal);
    const status = await retryWhileShimCleansUp(options.signal, () =>
      this.#lifecycle.delete(this.#ref, options),
    ).catch((err: unknown) => this.#deleteFailed(err, options.force === true));
    record.settle(status);
    await this.#cleanUp();
    return status;
  }

  async #killAndWait(signal: AbortSignal | undefined): Promise<void> {
    try {
      // A task's forced delete takes its execs with it.
      await this.kill("SIGKILL", { all: this.#ref.execId === "", signal });
      await this.wait({ signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** What a failed delete RPC leaves: the exit the handle already knows, or the error. */
  async #deleteFailed(err: unknown, force: boolean): Promise<ExitStatus> {
    const record = this.#record;
    if (isUnknown(err) && record.started && !record.settled) {
      // containerd refuses a running process with an unclassified error; the Go client asks for the
      // status first and reports failed precondition. The record already says it runs.
      throw new FailedPreconditionError(
        `${describeProcess(this.#ref)} must be stopped before deletion (or pass force: true)`,
        { cause: err },
      );
    }
    if (!isNotFound(err)) throw err;
    if (record.status) return record.status;
    if (force) await this.#cleanUp();
    throw err;
  }

  async #cleanUp(): Promise<void> {
    this.#ref.ctx.hub.release(this.#record);
    this.#events.stop();
    this.#ref.ctx.hub.closeSignal.removeEventListener("abort", this.#detachOnClose);
    if (this.#io) await closeAfterDrain(this.#io);
  }
}

/** An exec'd process in a running task: created by `task.exec`, started with `start()`. */
export class Process extends ProcessHandle {
  /** The exec id, unique within the task. */
  readonly id: string;

  /** @internal */
  constructor(init: ProcessInit) {
    super(init, execLifecycle);
    this.id = init.execId;
  }
}
