import { randomBytes } from "node:crypto";
import createDebug from "debug";
import { StreamInit } from "../../gen/github.com/containerd/containerd/api/services/streaming/v1/streaming.js";
import { RequestQueue } from "../../rpc/request-queue.js";
import type { AnyValue } from "../../typeurl/index.js";
import type { ImagesContext } from "../context.js";

const debug = createDebug("containerd-sdk:images");

const STREAM_INIT = "containerd.services.streaming.v1.StreamInit";

/**
 * @internal One stream of containerd's Streaming service, which a Transfer request names by `id`:
 * the daemon sends progress or asks for credentials through it.
 */
export interface TransferStream {
  readonly id: string;
  /** What the daemon sends, after its acknowledgement of the stream; ends when it closes its side. */
  readonly received: AsyncIterator<AnyValue>;
  /** Sends one message to the daemon. */
  send(message: AnyValue): void;
  /** Ends the stream on both sides (idempotent). */
  close(): void;
}

/**
 * @internal Opens a stream under a fresh id starting with `prefix`, registers it (StreamInit) and
 * waits for the daemon's acknowledgement, so a Transfer naming it finds it. `signal` aborts it.
 */
export async function openTransferStream(
  ctx: ImagesContext,
  prefix: string,
  signal: AbortSignal | undefined,
): Promise<TransferStream> {
  const id = `${prefix}-${randomBytes(8).toString("hex")}`;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const requests = new RequestQueue<AnyValue>();
  const close = () => {
    signal?.removeEventListener("abort", onAbort);
    requests.end();
    controller.abort();
  };
  requests.push({ typeUrl: STREAM_INIT, value: StreamInit.encode({ id }).finish() });
  const received = ctx.services.streaming
    .stream(requests, { signal: controller.signal, namespace: ctx.namespace })
    [Symbol.asyncIterator]();
  try {
    if (signal?.aborted) onAbort();
    await received.next();
  } catch (err) {
    close();
    throw err;
  }
  debug("transfer stream %s open", id);
  return { id, received, send: (message) => requests.push(message), close };
}
