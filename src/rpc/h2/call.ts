/**
 * One gRPC call on an HTTP/2 stream, as grpc-js's client drives it (`start`, then messages,
 * `halfClose` and a `startRead` per message wanted) and as its listener expects (metadata, each
 * message once asked for, the status last, exactly once).
 *
 * @module
 */
import { type ClientHttp2Session, type ClientHttp2Stream, constants } from "node:http2";
import {
  type Deadline,
  type experimental,
  type InterceptingListener,
  Metadata,
  type StatusObject,
  status,
} from "@grpc/grpc-js";
import { encodeMessage, FrameError, MessageDecoder } from "./frames.js";
import { bareStatus, closedStatus, httpStatus, trailerStatus } from "./status.js";

/** @internal What a call needs of its channel. */
export interface CallHost {
  /** The current session, made when there is none; throws when the channel is closed. */
  session(): ClientHttp2Session;
  readonly target: string;
  readonly maxMessageBytes: number;
  /** Told once when the call begins and once when its status is delivered. */
  began(): void;
  ended(): void;
}

/** grpc-timeout's units from milliseconds up, with their size in milliseconds. */
const TIMEOUT_UNITS: [string, number][] = [
  ["m", 1],
  ["S", 1_000],
  ["M", 60_000],
  ["H", 3_600_000],
];

/** @internal The grpc-timeout header: at most 8 digits (the spec's limit), in the finest unit that allows it. */
export function timeoutHeader(ms: number): string {
  for (const [unit, size] of TIMEOUT_UNITS) {
    const value = Math.max(1, Math.ceil(ms / size));
    if (value < 1e8) return `${value}${unit}`;
  }
  return "99999999H";
}

function remaining(deadline: Deadline): number {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : at - Date.now();
}

/** @internal A grpc-js call over `node:http2` with no channel machinery between. */
export class H2Call implements experimental.CallStream {
  #listener: InterceptingListener | undefined;
  #stream: ClientHttp2Stream | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #decoder: MessageDecoder;
  readonly #queue: Buffer[] = [];
  #wanted = 0;
  #trailers: StatusObject | undefined;
  #closed: StatusObject | undefined;
  #done = false;

  constructor(
    readonly method: string,
    readonly deadline: Deadline,
    readonly host: CallHost,
    readonly callNumber: number,
  ) {
    this.#decoder = new MessageDecoder(host.maxMessageBytes);
  }

  start(metadata: Metadata, listener: InterceptingListener): void {
    this.#listener = listener;
    this.host.began();
    const ms = remaining(this.deadline);
    if (ms <= 0) {
      this.#failSoon(bareStatus(status.DEADLINE_EXCEEDED, "Deadline exceeded"));
      return;
    }
    if (Number.isFinite(ms)) {
      this.#timer = setTimeout(
        () => this.cancelWithStatus(status.DEADLINE_EXCEEDED, "Deadline exceeded"),
        ms,
      );
    }
    let stream: ClientHttp2Stream;
    let session: ClientHttp2Session;
    try {
      session = this.host.session();
      stream = session.request({
        ...metadata.toHttp2Headers(),
        ":method": "POST",
        ":path": this.method,
        "content-type": "application/grpc",
        te: "trailers",
        ...(Number.isFinite(ms) ? { "grpc-timeout": timeoutHeader(ms) } : {}),
      });
    } catch (err) {
      this.#failSoon(bareStatus(status.UNAVAILABLE, (err as Error).message));
      return;
    }
    this.#stream = stream;
    this.#listen(stream, session, listener);
  }

  #listen(stream: ClientHttp2Stream, session: ClientHttp2Session, listener: InterceptingListener): void {
    let error: Error | undefined;
    stream.on("response", (headers, flags) => {
      const bad = httpStatus(headers);
      if (bad) this.cancelWithStatus(bad.code, bad.details);
      else if (flags & constants.NGHTTP2_FLAG_END_STREAM) this.#trailers = trailerStatus(headers);
      else if (!this.#done) listener.onReceiveMetadata(Metadata.fromHttp2Headers(headers));
    });
    stream.on("trailers", (trailers) => {
      this.#trailers = trailerStatus(trailers);
    });
    stream.on("data", (chunk: Buffer) => this.#received(chunk));
    stream.on("error", (err) => {
      error = err;
    });
    stream.once("close", () => {
      const dropped = session.destroyed || session.closed;
      this.#closed =
        this.#trailers && !this.#decoder.partial
          ? this.#trailers
          : closedStatus(stream.rstCode, error, dropped);
      this.#deliver();
    });
  }

  #received(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.#decoder.push(chunk);
    } catch (err) {
      const e = err as Error;
      this.cancelWithStatus(e instanceof FrameError ? e.code : status.INTERNAL, e.message);
      return;
    }
    this.#queue.push(...messages);
    this.#deliver();
  }

  /** Hands over what was asked for; pauses the stream while messages wait; the status comes last. */
  #deliver(): void {
    while (this.#wanted > 0 && this.#queue.length > 0 && !this.#done) {
      this.#wanted--;
      this.#listener?.onReceiveMessage(this.#queue.shift());
    }
    if (this.#queue.length > 0) this.#stream?.pause();
    else {
      this.#stream?.resume();
      if (this.#closed) this.#finish(this.#closed);
    }
  }

  /** As grpc-js does, a call that fails before its stream exists reports after `start` returns. */
  #failSoon(result: StatusObject): void {
    process.nextTick(() => this.#finish(result));
  }

  #finish(result: StatusObject): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#queue.length = 0;
    this.host.ended();
    this.#listener?.onReceiveStatus(result);
  }

  sendMessageWithContext(context: { callback?: (error?: Error | null) => void }, message: Buffer): void {
    const stream = this.#stream;
    if (message.length > this.host.maxMessageBytes) {
      this.cancelWithStatus(
        status.RESOURCE_EXHAUSTED,
        `Sent message larger than max (${message.length} vs. ${this.host.maxMessageBytes})`,
      );
    }
    if (!stream || this.#done) context.callback?.();
    else stream.write(encodeMessage(message), () => context.callback?.());
  }

  startRead(): void {
    this.#wanted++;
    this.#deliver();
  }

  halfClose(): void {
    if (!this.#done) this.#stream?.end();
  }

  cancelWithStatus(code: status, details: string): void {
    if (this.#done) return;
    this.#stream?.close(constants.NGHTTP2_CANCEL);
    this.#finish(bareStatus(code, details));
  }

  getPeer(): string {
    return this.host.target;
  }

  getCallNumber(): number {
    return this.callNumber;
  }

  setCredentials(): void {}

  getAuthContext(): null {
    return null;
  }
}
