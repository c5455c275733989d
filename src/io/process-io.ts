import type { Readable, Writable } from "node:stream";
import type { FifoEnd } from "./fifo-socket.js";
import { debug } from "./log.js";
import { copyOutputs, isRead, type OutputCopy } from "./output-copy.js";
import { feedStdin, type StdinFeed } from "./stdin-feed.js";
import type { InputPlan, OutputPlan } from "./stdio-options.js";

/** The stdio strings for Tasks.Create / Tasks.Exec: FIFO paths, a log URI, or `""` for null IO. */
export interface ProcessIOConfig {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

/** @internal What a {@link ProcessIO} wires together; it takes ownership of every FIFO end. */
export interface ProcessIOParts {
  config: ProcessIOConfig;
  stdin: { plan: InputPlan; end: FifoEnd } | null;
  stdout: { plan: OutputPlan; end: FifoEnd } | null;
  stderr: { plan: OutputPlan; end: FifoEnd } | null;
  /** Removes what the IO owns on disk (the FIFO directory) after the descriptors are closed; never rejects. */
  remove?: () => Promise<void>;
}

/**
 * Where a {@link ProcessIO} is in its life:
 * - `pending`: the shim may not hold the FIFOs yet. Our placeholders keep stdout and stderr from
 *   ending and stdin's bytes alive; `leave` settles what waits for the end of this state.
 * - `attached`: the shim holds the FIFOs; stdout and stderr end when it closes them.
 * - `closing`: our descriptors are being closed (and, by `close()`, the FIFOs removed).
 * - `closed`: nothing of ours is open.
 */
type State =
  | { kind: "pending"; leave: () => void }
  | { kind: "attached" }
  | { kind: "closing"; closed: Promise<void> }
  | { kind: "closed" };

/** @internal The name of a {@link ProcessIO}'s state. */
export type ProcessIOState = State["kind"];

/**
 * The reason closing aborts with: one value, where `abort()` would build a DOMException (and its
 * stack) per process, and nobody reads the reason (the waits it ends are caught).
 */
const LET_GO = new Error("process IO closed");

const settled = (promises: Promise<unknown>[]) => Promise.all(promises).then(() => undefined);

/**
 * A process's stdio on the client side: what to send containerd, and the Node streams behind it.
 * It owns every FIFO end it is given (their sockets, descriptors and placeholders) and, for
 * `close()`, what `remove` removes; a caller's streams are only borrowed: piped, ended when
 * `OutputOption` says so, never destroyed.
 *
 * Lifecycle: send {@link config} in the create/exec RPC; call {@link attached} once the shim holds the
 * FIFOs; call {@link close} when the process is deleted, or {@link detach} when the caller lets go.
 */
export class ProcessIO implements AsyncDisposable {
  /** The strings to send as `stdin`, `stdout`, `stderr`, `terminal`. */
  readonly config: ProcessIOConfig;
  /** The process's stdin when it was `"pipe"`; ending it closes our write side. */
  readonly stdin: Writable | null;
  /** The process's stdout when it was `"pipe"`. */
  readonly stdout: Readable | null;
  /** The process's stderr when it was `"pipe"` (never with a terminal). */
  readonly stderr: Readable | null;
  /**
   * Resolves when stdout and stderr have ended and been delivered: `"pipe"` streams read to their end,
   * caller Writables written (and ended, see `OutputOption`), or when {@link close} ran. Never
   * rejects: a failed copy shows up as an error on the caller's stream.
   */
  readonly done: Promise<void>;
  /**
   * Resolves once our write side of stdin is closed (the `"pipe"` stream or the caller's Readable
   * ended, or {@link closeStdinLocal} ran) and {@link attached} was called, or when {@link close} ran.
   * At once when there is no stdin. The process sees EOF only after Tasks.CloseIO as well, so that is
   * the moment to send it.
   */
  readonly stdinClosed: Promise<void>;
  readonly #ends: FifoEnd[];
  readonly #stdin: StdinFeed | null;
  readonly #outputs: OutputCopy[];
  readonly #remove: (() => Promise<void>) | undefined;
  /**
   * Aborted as closing starts: from then on nothing waits for a caller's Writable to finish. Made
   * only when there are outputs to copy: a null IO has nothing to let go of.
   */
  readonly #letGo: AbortController | undefined;
  #state: State;

  /** @internal Wires opened FIFO ends to their plans; `new ProcessIO({ config, stdin: null, … })` is null IO. */
  constructor(parts: ProcessIOParts) {
    this.config = parts.config;
    this.#ends = [parts.stdin, parts.stdout, parts.stderr].flatMap((part) => (part ? [part.end] : []));
    this.#remove = parts.remove;
    this.#stdin = parts.stdin ? feedStdin(parts.stdin.end, parts.stdin.plan) : null;
    const outputs = [
      parts.stdout && { name: "stdout" as const, ...parts.stdout },
      parts.stderr && { name: "stderr" as const, ...parts.stderr },
    ].filter((output) => output !== null);
    this.#letGo = outputs.length > 0 ? new AbortController() : undefined;
    this.#outputs = this.#letGo ? copyOutputs(outputs, this.#letGo.signal) : [];
    const piped = (part: { plan: { kind: string }; end: FifoEnd } | null) =>
      part?.plan.kind === "pipe" ? part.end.socket : null;
    this.stdin = piped(parts.stdin);
    this.stdout = piped(parts.stdout);
    this.stderr = piped(parts.stderr);
    this.done = settled(this.#outputs.map((output) => output.delivered));
    let leave!: () => void;
    const leftPending = new Promise<void>((resolve) => {
      leave = resolve;
    });
    this.#state = { kind: "pending", leave };
    // CloseIO sent before the shim opened stdin (an exec not yet started) would be lost: wait for both.
    this.stdinClosed = this.#stdin ? settled([this.#stdin.closed, leftPending]) : Promise.resolve();
  }

  /** @internal Where this IO is in its life; for tests and debugging. */
  get state(): ProcessIOState {
    return this.#state.kind;
  }

  /**
   * Call once the shim holds the FIFOs: after Tasks.Create succeeded for the init process, after
   * Tasks.Start for an exec, at once after re-attaching to a live process. Until then stdout and stderr
   * cannot end and stdin bytes survive an early end of our stdin; after, stdout and stderr end when the
   * shim closes them. Calling it before the shim opened the FIFOs ends stdout and stderr at once and
   * loses buffered stdin. Does nothing unless `pending`.
   */
  attached(): void {
    if (this.#state.kind !== "pending") return;
    for (const end of this.#ends) end.release();
    this.#enter({ kind: "attached" });
  }

  /** Whether stdout or stderr goes anywhere (false for null IO, or stdin only). */
  get hasOutputs(): boolean {
    return this.#outputs.length > 0;
  }

  /**
   * Like {@link done}, but only for the outputs someone reads now: a caller's Writable, or a `"pipe"`
   * stream the caller has started to consume (a listener, `pipe()`, `resume()`, `pause()`, async
   * iteration, `read()`). Output nobody reads is not waited for, so deleting a process whose piped
   * output is ignored does not stall.
   */
  readDone(): Promise<void> {
    return settled(this.#outputs.filter(isRead).map((output) => output.delivered));
  }

  /** Ends our write side of stdin (pending data is still delivered). Idempotent. */
  closeStdinLocal(): void {
    this.#stdin?.end();
  }

  /**
   * Destroys the streams, closes every descriptor and removes the FIFO directory this IO owns. Caller
   * streams are detached, not destroyed. Idempotent; always resolves.
   */
  close(): Promise<void> {
    return this.#shutDown(true);
  }

  /**
   * Like {@link close} but leaves the FIFOs on disk, so the process can be attached to again
   * (`container.task({ attach: true })`). Idempotent; after either, the other does nothing.
   */
  detach(): Promise<void> {
    return this.#shutDown(false);
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #shutDown(remove: boolean): Promise<void> {
    const state = this.#state;
    if (state.kind === "closing") return state.closed;
    if (state.kind === "closed") return Promise.resolve();
    this.#letGo?.abort(LET_GO);
    for (const end of this.#ends) end.destroy();
    const closed = this.#finishClosing(remove);
    this.#enter({ kind: "closing", closed });
    return closed;
  }

  async #finishClosing(remove: boolean): Promise<void> {
    await settled(this.#ends.map((end) => end.closed));
    if (remove) await this.#remove?.();
    this.#enter({ kind: "closed" });
  }

  #enter(next: State): void {
    if (this.#state.kind === "pending") this.#state.leave();
    this.#state = next;
    debug("io %s: %s", this.config.stdout || this.config.stdin || "null", next.kind);
  }
}
