import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream";
import type { FifoEnd } from "./fifo-socket.js";
import { debug } from "./log.js";
import type { InputPlan, OutputPlan } from "./stdio-options.js";

/** The stdio strings for Tasks.Create / Tasks.Exec: FIFO paths, a log URI, or `""` for null IO. */
export interface ProcessIOConfig {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

/**
 * A process's stdio on the client side: what to send containerd, and the Node streams behind it.
 *
 * Lifecycle: send {@link config} in the create/exec RPC; call {@link attached} once the shim holds the
 * FIFOs; call {@link close} when the process is deleted or the caller detaches.
 */
export interface ProcessIO {
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
   * Like {@link done}, but only for the outputs someone consumes now: a caller's stream, or a
   * `"pipe"` stream with a `data`/`readable` listener or piped somewhere. Output nobody reads is
   * not waited for, so deleting a process whose piped output is ignored does not stall.
   */
  readDone(): Promise<void>;
  /**
   * Resolves once our write side of stdin is closed (the `"pipe"` stream or the caller's Readable
   * ended, or {@link closeStdinLocal} ran) and {@link attached} was called, or when {@link close} ran.
   * At once when there is no stdin. The process sees EOF only after Tasks.CloseIO as well, so that is
   * the moment to send it.
   */
  readonly stdinClosed: Promise<void>;
  /**
   * Call once the shim holds the FIFOs: after Tasks.Create succeeded for the init process, after
   * Tasks.Start for an exec, at once after re-attaching to a live process. Until then stdout and stderr
   * cannot end and stdin bytes survive an early end of our stdin; after, stdout and stderr end when the
   * shim closes them. Calling it before the shim opened the FIFOs ends stdout and stderr at once and
   * loses buffered stdin. Idempotent.
   */
  attached(): void;
  /** Ends our write side of stdin (pending data is still delivered). Idempotent. */
  closeStdinLocal(): void;
  /**
   * Destroys the streams, closes every descriptor and removes the FIFO directory this IO owns. Caller
   * streams are detached, not destroyed. Idempotent; always resolves.
   */
  close(): Promise<void>;
  /**
   * Like {@link close} but leaves the FIFOs on disk, so the process can be attached to again
   * (`container.task({ attach: true })`). Idempotent; after either, the other does nothing.
   */
  detach(): Promise<void>;
  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** @internal What {@link createProcessIO} wires together; it takes ownership of every part. */
export interface ProcessIOParts {
  config: ProcessIOConfig;
  stdin: { plan: InputPlan; end: FifoEnd } | null;
  stdout: { plan: OutputPlan; end: FifoEnd } | null;
  stderr: { plan: OutputPlan; end: FifoEnd } | null;
  /** Removes what the IO owns on disk (the FIFO directory), after the descriptors are closed. */
  remove?: () => Promise<void>;
}

function whenClosed(stream: Readable | Writable): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once("close", () => resolve()));
}

/** Null IO: empty strings or log URIs, no streams, nothing to close. @internal */
export function staticProcessIO(config: ProcessIOConfig): ProcessIO {
  const resolved = Promise.resolve();
  return {
    config,
    stdin: null,
    stdout: null,
    stderr: null,
    done: resolved,
    readDone: () => resolved,
    stdinClosed: resolved,
    attached() {},
    closeStdinLocal() {},
    close: () => resolved,
    detach: () => resolved,
    [Symbol.asyncDispose]: () => resolved,
  };
}

/**
 * Wires opened FIFO ends to their plans: `"pipe"` ends are exposed as they are, sources are piped into
 * stdin, outputs are piped into sinks with backpressure.
 *
 * @internal
 */
export function createProcessIO(parts: ProcessIOParts): ProcessIO {
  const ends = [parts.stdin?.end, parts.stdout?.end, parts.stderr?.end].filter((e) => e !== undefined);
  const stdinSocket = parts.stdin?.end.socket ?? null;
  const stdinSource = parts.stdin?.plan.kind === "source" ? parts.stdin.plan.source : null;
  const cleanups: Array<() => void> = [];
  let closing: Promise<void> | undefined;
  let forceDone!: () => void;
  const closed = new Promise<void>((resolve) => {
    forceDone = resolve;
  });
  let markAttached!: () => void;
  const attached = new Promise<void>((resolve) => {
    markAttached = resolve;
  });

  const logError = (what: string) => (err: Error) => debug("%s: %s", what, err);

  if (stdinSocket) {
    // Our own sockets must never crash the host process with an unhandled 'error'.
    stdinSocket.on("error", logError("stdin"));
    if (stdinSource) {
      stdinSource.pipe(stdinSocket);
      const onSourceError = (err: Error) => {
        debug("stdin source failed, ending stdin: %s", err);
        stdinSource.unpipe(stdinSocket);
        stdinSocket.end();
      };
      stdinSource.on("error", onSourceError);
      const detach = () => {
        stdinSource.off("error", onSourceError);
        stdinSource.unpipe(stdinSocket);
      };
      // The caller's Readable outlives us: let go of it as soon as stdin is closed, whatever closed it.
      stdinSocket.once("close", detach);
      cleanups.push(detach);
    }
  }

  // How many outputs still feed each sink: stdout and stderr may share one Writable, ended once.
  const feeding = new Map<Writable, number>();
  const outputs = [parts.stdout, parts.stderr].filter((o) => o !== null);
  for (const { plan } of outputs) {
    if (plan.kind === "sink") feeding.set(plan.sink, (feeding.get(plan.sink) ?? 0) + 1);
  }

  const wireOutput = (name: string, plan: OutputPlan, socket: Socket): Promise<void> => {
    socket.on("error", logError(name));
    const socketClosed = whenClosed(socket);
    // An output nobody asked for still has a FIFO (see openStdio); drain it so the process never blocks.
    if (plan.kind === "none") socket.resume();
    if (plan.kind !== "sink") return socketClosed;
    const { sink, end } = plan;
    socket.pipe(sink, { end: false });
    const onSinkError = (err: Error) => {
      debug("%s sink failed, discarding the rest: %s", name, err);
      socket.unpipe(sink);
      socket.resume();
    };
    sink.on("error", onSinkError);
    return socketClosed.then(() => {
      sink.off("error", onSinkError);
      socket.unpipe(sink);
      const left = (feeding.get(sink) ?? 1) - 1;
      feeding.set(sink, left);
      if (left > 0 || !end || sink.writableEnded || sink.destroyed) return;
      sink.end();
      return new Promise<void>((resolve) => {
        const cleanup = finished(sink, { readable: false }, () => {
          cleanup();
          resolve();
        });
        cleanups.push(() => {
          cleanup();
          resolve();
        });
      });
    });
  };

  const wired = [parts.stdout, parts.stderr]
    .filter((o) => o !== null)
    .map(({ plan, end }, i) => ({
      plan,
      socket: end.socket,
      delivered: wireOutput(i === 0 && parts.stdout ? "stdout" : "stderr", plan, end.socket),
    }));
  const delivered = Promise.all(wired.map((w) => w.delivered)).then(() => undefined);
  const done = Promise.race([delivered, closed]);
  const beingRead = ({ plan, socket }: (typeof wired)[number]) =>
    plan.kind === "sink" ||
    (plan.kind === "pipe" &&
      (socket.listenerCount("data") > 0 ||
        socket.listenerCount("readable") > 0 ||
        socket.readableFlowing === true));
  const readDone = () =>
    Promise.race([
      Promise.all(wired.filter(beingRead).map((w) => w.delivered)).then(() => undefined),
      closed,
    ]);
  // CloseIO sent before the shim opened stdin (an exec not yet started) would be lost, so wait for both.
  const stdinClosed = stdinSocket
    ? Promise.race([Promise.all([whenClosed(stdinSocket), attached]).then(() => undefined), closed])
    : Promise.resolve();

  const shutdown = (remove: boolean): Promise<void> => {
    closing ??= (async () => {
      for (const end of ends) end.destroy();
      await Promise.all(ends.map((end) => whenClosed(end.socket)));
      // Sinks were ended by the sockets' 'close'; stop watching the ones that have not finished yet.
      for (const cleanup of cleanups.splice(0)) cleanup();
      forceDone();
      if (remove && parts.remove) {
        await parts.remove().catch((err: unknown) => debug("removing FIFOs failed: %s", err));
      }
      debug(
        "closed io (stdin=%s stdout=%s stderr=%s)",
        parts.config.stdin,
        parts.config.stdout,
        parts.config.stderr,
      );
    })();
    return closing;
  };
  const close = () => shutdown(true);

  return {
    config: parts.config,
    stdin: parts.stdin?.plan.kind === "pipe" ? parts.stdin.end.socket : null,
    stdout: parts.stdout?.plan.kind === "pipe" ? parts.stdout.end.socket : null,
    stderr: parts.stderr?.plan.kind === "pipe" ? parts.stderr.end.socket : null,
    done,
    readDone,
    stdinClosed,
    attached() {
      for (const end of ends) end.release();
      markAttached();
    },
    closeStdinLocal() {
      if (!stdinSocket || stdinSocket.destroyed || stdinSocket.writableEnded) return;
      stdinSource?.unpipe(stdinSocket);
      stdinSocket.end();
    },
    close,
    detach: () => shutdown(false),
    [Symbol.asyncDispose]: close,
  };
}
