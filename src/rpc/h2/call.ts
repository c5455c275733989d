/**
 * One gRPC call on an HTTP/2 stream: messages out (`write`, `end`), messages in (`read`, one at a
 * time, the stream paused while they wait), and the status last, exactly once.
 *
 * @module
 */
import { type ClientHttp2Session, type ClientHttp2Stream, constants } from "node:http2";
import { type Metadata, Status } from "nice-grpc-common";
import type { EncodedMessage } from "../encoded-message.js";
import { encodeMessage, FrameError, MessageDecoder, messageHeader } from "./frames.js";
import { headerMetadata, metadataHeaders } from "./metadata.js";
import { bareStatus, type CallStatus, closedStatus, httpStatus, trailerStatus } from "./status.js";

/** @internal What a call needs of its channel. */
export interface CallHost {
  /** The current session, made when there is none; throws when the channel is closed. */
  session(): ClientHttp2Session;
  readonly maxMessageBytes: number;
  /** Told once when the call begins and once when it has ended. */
  began(): void;
  ended(): void;
}

/** @internal What one call is asked to do. */
export interface CallRequest {
  /** `/package.Service/Method`. */
  path: string;
  metadata?: Metadata;
  /** Milliseconds from now, or a Date; the call then ends DEADLINE_EXCEEDED. */
  deadline?: number | Date;
  onHeader?(header: Metadata): void;
  onTrailer?(trailer: Metadata): void;
}

/** Messages up to this size are copied behind their prefix and written once; larger ones are not copied. */
const COPY_BELOW = 64 * 1024;

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

function remaining(deadline: number | Date | undefined): number {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  return deadline instanceof Date ? deadline.getTime() - Date.now() : deadline;
}

/** @internal A gRPC call over `node:http2`, started when made. */
export class H2Call {
  readonly #host: CallHost;
  readonly #request: CallRequest;
  readonly #decoder: MessageDecoder;
  readonly #queue: Buffer[] = [];
  #stream: ClientHttp2Stream | undefined;
  #timer: NodeJS.Timeout | undefined;
  #trailers: CallStatus | undefined;
  #status: CallStatus | undefined;
  #reader: (() => void) | undefined;

  constructor(host: CallHost, request: CallRequest) {
    this.#host = host;
    this.#request = request;
    this.#decoder = new MessageDecoder(host.maxMessageBytes);
    host.began();
    const ms = remaining(request.deadline);
    if (ms <= 0) this.#finish(bareStatus(Status.DEADLINE_EXCEEDED, "Deadline exceeded"));
    else {
      if (Number.isFinite(ms)) {
        this.#timer = setTimeout(() => this.cancel(Status.DEADLINE_EXCEEDED, "Deadline exceeded"), ms);
      }
      this.#open(ms);
    }
  }

  #open(ms: number): void {
    let session: ClientHttp2Session;
    try {
      session = this.#host.session();
      this.#stream = session.request({
        ...metadataHeaders(this.#request.metadata),
        ":method": "POST",
        ":path": this.#request.path,
        "content-type": "application/grpc",
        te: "trailers",
        ...(Number.isFinite(ms) ? { "grpc-timeout": timeoutHeader(ms) } : {}),
      });
    } catch (err) {
      return void this.#finish(bareStatus(Status.UNAVAILABLE, (err as Error).message));
    }
    this.#listen(this.#stream, session);
  }

  #listen(stream: ClientHttp2Stream, session: ClientHttp2Session): void {
    let error: Error | undefined;
    stream.on("response", (headers, flags) => {
      const bad = httpStatus(headers);
      if (bad) this.cancel(bad.code, bad.details);
      else if (flags & constants.NGHTTP2_FLAG_END_STREAM) this.#trailers = trailerStatus(headers);
      else this.#request.onHeader?.(headerMetadata(headers));
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
      const ended =
        this.#trailers && !this.#decoder.partial
          ? this.#trailers
          : closedStatus(stream.rstCode, error, dropped);
      this.#finish(ended);
    });
  }

  #received(chunk: Buffer): void {
    try {
      this.#queue.push(...this.#decoder.push(chunk));
    } catch (err) {
      const e = err as Error;
      this.cancel(e instanceof FrameError ? e.code : Status.INTERNAL, e.message);
      return;
    }
    // Backpressure: the stream waits until its messages are read.
    if (this.#queue.length > 0 && !this.#reader) this.#stream?.pause();
    this.#wake();
  }

  #wake(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.();
  }

  /** The next message; undefined when the call ended OK; the status, thrown, when it did not. */
  async read(): Promise<Buffer | undefined> {
    for (;;) {
      const message = this.#queue.shift();
      if (message !== undefined) return message;
      const status = this.#status;
      if (status) {
        if (status.code === Status.OK) return undefined;
        throw status;
      }
      this.#stream?.resume();
      await new Promise<void>((resolve) => {
        this.#reader = resolve;
      });
    }
  }

  /**
   * Sends one message (a buffer, or parts sent in order as one); false when the stream's buffer is
   * full (then wait for {@link drained}).
   */
  write(message: Uint8Array | EncodedMessage): boolean {
    if (message.length > this.#host.maxMessageBytes) {
      const max = this.#host.maxMessageBytes;
      this.cancel(Status.RESOURCE_EXHAUSTED, `Sent message larger than max (${message.length} vs. ${max})`);
    }
    const stream = this.#stream;
    if (!stream || this.#status) return true;
    if (message instanceof Uint8Array && message.length <= COPY_BELOW) {
      return stream.write(encodeMessage(message));
    }
    // Large messages go out without being copied behind their prefix: one writev.
    const parts = message instanceof Uint8Array ? [message] : message.parts;
    stream.cork();
    stream.write(messageHeader(message.length));
    let ok = true;
    for (const part of parts) ok = stream.write(part);
    stream.uncork();
    return ok;
  }

  /** Resolves when the stream can take more, or the call has ended. */
  drained(): Promise<void> {
    const stream = this.#stream;
    if (!stream || this.#status) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("close", done);
        resolve();
      };
      stream.once("drain", done);
      stream.once("close", done);
    });
  }

  /** No more messages from this side. */
  end(): void {
    if (!this.#status) this.#stream?.end();
  }

  /** Ends the call now (RST_STREAM CANCEL), with `code`; nothing when it has ended. */
  cancel(code: Status = Status.CANCELLED, details = "Call cancelled"): void {
    if (this.#status) return;
    this.#queue.length = 0;
    this.#stream?.close(constants.NGHTTP2_CANCEL);
    this.#finish(bareStatus(code, details));
  }

  /** Whether the status is in (messages may still wait to be read). */
  get ended(): boolean {
    return this.#status !== undefined;
  }

  #finish(status: CallStatus): void {
    if (this.#status) return;
    this.#status = status;
    clearTimeout(this.#timer);
    this.#host.ended();
    this.#request.onTrailer?.(status.metadata);
    this.#wake();
  }
}
