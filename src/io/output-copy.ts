import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { FifoEnd } from "./fifo-socket.js";
import { debug } from "./log.js";
import type { OutputPlan } from "./stdio-options.js";

/** @internal One output FIFO's end and how it is served. */
export interface OutputSource {
  readonly name: "stdout" | "stderr";
  readonly end: FifoEnd;
  readonly plan: OutputPlan;
}

/** @internal An output being served, and when what it carried has been delivered. */
export interface OutputCopy extends OutputSource {
  /**
   * Resolves once the FIFO's socket has closed and, for a caller's Writable, once that Writable has
   * been ended (when it should be) and has finished, or the `signal` given to {@link copyOutputs}
   * let go of it. Never rejects.
   */
  readonly delivered: Promise<void>;
}

/**
 * Whether a caller has started to consume `stream`: a `data` or `readable` listener, `pipe()`,
 * `resume()`, `pause()`, async iteration, or a `read()` that returned data. Node keeps
 * `readableFlowing` null until one of those, and nothing here touches a `"pipe"` stream's flow.
 *
 * @internal
 */
export function isConsumed(stream: Readable): boolean {
  return stream.readableFlowing !== null || stream.readableDidRead;
}

/** @internal Whether someone reads `output` now: a caller's Writable always, a `"pipe"` stream once consumed. */
export function isRead({ plan, end }: OutputSource): boolean {
  return plan.kind === "sink" || (plan.kind === "pipe" && isConsumed(end.socket));
}

/** Serves one output; resolves once its socket has closed and is unhooked from any sink. */
function copy({ name, end, plan }: OutputSource): Promise<void> {
  const { socket } = end;
  // Our own sockets must never crash the host process with an unhandled 'error'.
  socket.on("error", (err) => debug("%s: %s", name, err));
  // An output nobody asked for still has a FIFO (see openStdio); drain it so the process never blocks.
  if (plan.kind === "none") socket.resume();
  if (plan.kind !== "sink") return end.closed;
  const { sink } = plan;
  socket.pipe(sink, { end: false });
  const onSinkError = (err: Error) => {
    debug("%s sink failed, discarding the rest: %s", name, err);
    socket.unpipe(sink);
    socket.resume();
  };
  sink.on("error", onSinkError);
  return end.closed.then(() => {
    sink.off("error", onSinkError);
    socket.unpipe(sink);
  });
}

/** Ends `sink` when asked to and waits for it to finish, until it fails or `signal` aborts. */
async function endSink(sink: Writable, end: boolean, signal: AbortSignal): Promise<void> {
  if (!end || sink.writableEnded || sink.destroyed) return;
  sink.end();
  await finished(sink, { readable: false, signal, cleanup: true }).catch(() => undefined);
}

/**
 * Serves each output by its plan: a `"pipe"` socket is left to the caller, an unwanted one is read and
 * discarded, a caller's Writable is fed with backpressure. A Writable fed by several outputs (stdout and
 * stderr into one) is ended once, after the last of them has closed. Aborting `signal` stops waiting
 * for Writables to finish.
 *
 * @internal
 */
export function copyOutputs(sources: OutputSource[], signal: AbortSignal): OutputCopy[] {
  const copies = sources.map((source) => ({ source, closed: copy(source) }));
  const feeding = (sink: Writable) =>
    copies.filter(({ source: { plan } }) => plan.kind === "sink" && plan.sink === sink).map((c) => c.closed);
  const sinks = new Map<Writable, Promise<void>>();
  return copies.map(({ source, closed }) => {
    if (source.plan.kind !== "sink") return { ...source, delivered: closed };
    const { sink, end } = source.plan;
    const delivered = sinks.get(sink) ?? Promise.all(feeding(sink)).then(() => endSink(sink, end, signal));
    sinks.set(sink, delivered);
    return { ...source, delivered };
  });
}
