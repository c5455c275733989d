import Long from "long";
import { isAlreadyExists } from "../errors/index.js";
import {
  WriteAction,
  type WriteContentRequest,
  type WriteContentResponse,
} from "../gen/github.com/containerd/containerd/api/services/content/v1/content.js";
import type { EncodedMessage } from "../rpc/encoded-message.js";
import { RequestQueue } from "../rpc/request-queue.js";
import type { RawCallOptions } from "../rpc/services.js";
import type { ImagesContext } from "./context.js";
import { toNumber } from "./descriptor.js";
import { writeRequest } from "./write-request.js";

/** A request of the stream: a message, or a WRITE already encoded around its data. */
type Request = Partial<WriteContentRequest> | EncodedMessage;

/** WRITE messages sent before waiting for containerd's answer to the first of them. */
const MAX_IN_FLIGHT = 4;

/** What opening a writer takes. */
export interface OpenWriterOptions {
  /** Expected size in bytes, checked on commit. */
  total?: number;
  /** Expected digest, checked on commit; if the blob already exists nothing is written. */
  expected?: string;
}

/**
 * An open ingest in containerd's content store, written through one Content.Write stream. `offset`
 * is where writing resumes (bytes a previous, interrupted writer left under the same ref).
 * @internal Used by `content.write`, import and pull.
 */
export class ContentWriter {
  /** Bytes already in the ingest. */
  offset = 0;
  /** True when the blob with the expected digest already exists (nothing to write or commit). */
  exists = false;
  readonly #inFlight: Promise<WriteContentResponse>[] = [];
  readonly #queue: RequestQueue<Request>;
  readonly #replies: AsyncIterator<WriteContentResponse>;
  #done = false;

  private constructor(queue: RequestQueue<Request>, replies: AsyncIterable<WriteContentResponse>) {
    this.#queue = queue;
    this.#replies = replies[Symbol.asyncIterator]();
  }

  /** Opens the stream and asks where the ingest stands (one STAT). */
  static async open(
    ctx: ImagesContext,
    ref: string,
    options: OpenWriterOptions,
    raw: RawCallOptions,
  ): Promise<ContentWriter> {
    const queue = new RequestQueue<Request>();
    // Both transports take an EncodedMessage as the request it encodes (rpc/encoded-message.ts).
    const requests = queue as AsyncIterable<Partial<WriteContentRequest>>;
    const writer = new ContentWriter(queue, ctx.services.content.write(requests, raw));
    try {
      const reply = await writer.#send({
        action: WriteAction.STAT,
        ref,
        total: Long.fromNumber(options.total ?? 0),
        expected: options.expected ?? "",
      });
      writer.offset = toNumber(reply.offset);
    } catch (err) {
      await writer.close();
      if (!isAlreadyExists(err)) throw err;
      writer.exists = true;
    }
    return writer;
  }

  async #send(request: Request): Promise<WriteContentResponse> {
    this.#queue.push(request);
    return this.#reply();
  }

  async #reply(): Promise<WriteContentResponse> {
    let next: IteratorResult<WriteContentResponse>;
    try {
      next = await this.#replies.next();
    } catch (err) {
      this.#done = true;
      this.#queue.end(); // lets the request generator finish so the call can settle
      throw err;
    }
    if (next.done) throw new Error("containerd ended the content write stream early");
    return next.value;
  }

  /**
   * Appends `data` (a buffer, or chunks in order, sent without joining them) at the current
   * offset. Up to {@link MAX_IN_FLIGHT} writes are pipelined: the call returns before containerd
   * has answered, and a failure surfaces on a later write or commit.
   */
  async write(data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const chunks = data instanceof Uint8Array ? [data] : data;
    const length = chunks.reduce((n, chunk) => n + chunk.length, 0);
    if (length === 0) return;
    const offset = this.offset;
    this.offset += length; // containerd's offset once this write lands
    this.#queue.push(writeRequest(offset, chunks));
    const reply = this.#reply();
    reply.catch(() => {}); // awaited below or by flush(); this only keeps it from being "unhandled"
    this.#inFlight.push(reply);
    if (this.#inFlight.length >= MAX_IN_FLIGHT) await this.#inFlight.shift();
  }

  /** Waits for every pipelined write to be acknowledged. */
  async flush(): Promise<void> {
    while (this.#inFlight.length > 0) await this.#inFlight.shift();
  }

  /**
   * Commits the ingest as a blob, checking `size` and `expected` when given; labels apply only if
   * the blob is new. A blob that already exists counts as committed. Returns its digest.
   */
  async commit(size: number, expected: string, labels: Record<string, string> = {}): Promise<string> {
    if (this.exists) return expected;
    try {
      await this.flush();
      const reply = await this.#send({
        action: WriteAction.COMMIT,
        offset: Long.fromNumber(this.offset),
        total: Long.fromNumber(size),
        expected,
        labels,
      });
      return reply.digest || expected;
    } catch (err) {
      if (isAlreadyExists(err)) return expected;
      throw err;
    } finally {
      await this.close();
    }
  }

  /** Ends the stream (the ingest stays, resumable under the same ref) and drains its replies. */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#queue.end();
    try {
      // containerd repeats its last reply after the client half-closes; read to the end.
      for (;;) if ((await this.#replies.next()).done) break;
    } catch {
      // The stream already failed; the error was reported by the call that saw it.
    }
  }
}
