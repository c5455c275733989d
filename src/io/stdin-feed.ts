import type { Readable } from "node:stream";
import type { FifoEnd } from "./fifo-socket.js";
import { debug } from "./log.js";
import type { InputPlan } from "./stdio-options.js";

/** @internal Our write side of a process's stdin. */
export interface StdinFeed {
  /** Resolves once our socket has closed: ended (by the caller, {@link end} or the source's end) or destroyed. */
  readonly closed: Promise<void>;
  /** Ends our socket, pending data still delivered; stops piping the source. Idempotent. */
  end(): void;
}

/**
 * Serves the stdin FIFO's end: a `"pipe"` socket is left to the caller, a caller's Readable is piped
 * into it (and let go of, never destroyed, once the socket closes, whatever closed it). A failing
 * Readable ends stdin.
 *
 * @internal
 */
export function feedStdin(fifo: FifoEnd, plan: InputPlan): StdinFeed {
  const { socket } = fifo;
  const source: Readable | null = plan.kind === "source" ? plan.source : null;
  // Our own sockets must never crash the host process with an unhandled 'error'.
  socket.on("error", (err) => debug("stdin: %s", err));
  const end = () => {
    if (socket.destroyed || socket.writableEnded) return;
    source?.unpipe(socket);
    socket.end();
  };
  if (source) {
    const onSourceError = (err: Error) => {
      debug("stdin source failed, ending stdin: %s", err);
      end();
    };
    source.pipe(socket);
    source.on("error", onSourceError);
    void fifo.closed.then(() => {
      source.off("error", onSourceError);
      source.unpipe(socket);
    });
  }
  return { closed: fifo.closed, end };
}
