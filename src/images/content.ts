import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import Long from "long";
import { checkCallOptions, type OperationOptions, rawOptions, streamOptions } from "../base/call-options.js";
import { invalid } from "../base/validate.js";
import type { Info as WireInfo } from "../gen/github.com/containerd/containerd/api/services/content/v1/content.js";
import { BlobWriter } from "./blob-writer.js";
import { ContentWriter } from "./content-writer.js";
import type { ImagesContext } from "./context.js";
import { isDigest, toNumber } from "./descriptor.js";

/** A blob in the content store. */
export interface ContentInfo {
  digest: string;
  size: number;
  createdAt: Date;
  updatedAt: Date;
  labels: Record<string, string>;
}

/** An unfinished write (ingest) in the content store. */
export interface IngestStatus {
  ref: string;
  /** Bytes written so far: where a new write under `ref` resumes. */
  offset: number;
  /** The size announced when the write was opened (0 if none). */
  total: number;
  startedAt?: Date;
  updatedAt?: Date;
}

/** What `content.read` takes. */
export interface ReadContentOptions extends OperationOptions {
  /** Byte offset to start at. Default 0. */
  offset?: number;
  /** Bytes to read; default to the end. */
  size?: number;
}

/** What `content.write` takes. */
export interface WriteContentOptions extends OperationOptions {
  /** The ingest's name; a write interrupted under the same ref resumes. Default `write-<digest or random>`. */
  ref?: string;
  /** Digest the data must have; checked by containerd on commit. An existing blob is not rewritten. */
  expected?: string;
  /** Size the data must have; checked on commit. */
  size?: number;
  /** Labels for a new blob (an existing one keeps its labels: use `setLabels`). */
  labels?: Record<string, string>;
}

/** Data `content.write` accepts. */
export type ContentSource = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/**
 * The namespace's content store (`client.content`): blobs addressed by digest. Blobs written
 * outside a lease and not referenced are collected by the next GC: write inside `client.withLease`.
 */
export class Content {
  readonly #ctx: ImagesContext;

  /** @internal */
  constructor(ctx: ImagesContext) {
    this.#ctx = ctx;
  }

  /** A blob's size and labels (one RPC); NotFoundError when missing. */
  async info(digest: string, options?: OperationOptions): Promise<ContentInfo> {
    options = checkCallOptions(options);
    assertDigest(digest, "digest");
    const res = await this.#ctx.services.content.info({ digest }, rawOptions(options, this.#ctx.namespace));
    return toInfo(res.info);
  }

  /** Blobs, optionally filtered (`digest==sha256:…`, `labels."containerd.io/uncompressed"`); OR'd. */
  async list(options: OperationOptions & { filters?: string[] } = {}): Promise<ContentInfo[]> {
    options = checkCallOptions(options);
    const out: ContentInfo[] = [];
    const stream = this.#ctx.services.content.list(
      { filters: options.filters ?? [] },
      rawOptions(options, this.#ctx.namespace),
    );
    for await (const msg of stream) for (const info of msg.info) out.push(toInfo(info));
    return out;
  }

  /** Removes a blob at once, referenced or not (one RPC); NotFoundError when missing. */
  async delete(digest: string, options?: OperationOptions): Promise<void> {
    options = checkCallOptions(options);
    assertDigest(digest, "digest");
    await this.#ctx.services.content.delete({ digest }, rawOptions(options, this.#ctx.namespace));
  }

  /**
   * Sets the given labels (an empty string removes one) and leaves the others (one RPC). Returns
   * the blob's labels afterwards.
   */
  async setLabels(
    digest: string,
    labels: Record<string, string>,
    options?: OperationOptions,
  ): Promise<Record<string, string>> {
    assertDigest(digest, "digest");
    const keys = Object.keys(labels);
    const res = await this.#ctx.services.content.update(
      { info: { digest, labels }, updateMask: keys.map((k) => `labels.${k}`) },
      rawOptions(options, this.#ctx.namespace),
    );
    return toInfo(res.info).labels;
  }

  /** A blob's bytes as a stream (1 MiB chunks), from `offset` for `size` bytes. */
  read(digest: string, options: ReadContentOptions = {}): Readable {
    options = checkCallOptions(options);
    assertDigest(digest, "digest");
    const offset = options.offset ?? 0;
    const size = options.size ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw invalid("offset", offset, "must be a non-negative integer");
    }
    if (!Number.isSafeInteger(size) || size < 0) {
      throw invalid("size", size, "must be a non-negative integer");
    }
    const stream = this.#ctx.services.content.read(
      { digest, offset: Long.fromNumber(offset), size: Long.fromNumber(size) },
      streamOptions(options, this.#ctx.namespace),
    );
    return Readable.from(
      (async function* () {
        for await (const msg of stream) if (msg.data.length > 0) yield Buffer.from(msg.data);
      })(),
      { objectMode: false },
    );
  }

  /** A whole blob in memory; for manifests and configs, not layers. */
  async readAll(digest: string, options?: OperationOptions): Promise<Buffer> {
    options = checkCallOptions(options);
    const chunks: Buffer[] = [];
    for await (const chunk of this.read(digest, options)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Writes a blob through one Content.Write stream and commits it, resuming an interrupted write
   * under the same `ref` (the bytes already there are skipped from `data`). Returns its digest and
   * size. An existing blob with the `expected` digest is not written again. Chunks are sent as
   * given, not copied: an iterable must not refill a buffer it has already yielded.
   */
  async write(
    data: ContentSource,
    options: WriteContentOptions = {},
  ): Promise<{ digest: string; size: number }> {
    options = checkCallOptions(options);
    assertSource(data);
    if (options.expected !== undefined) assertDigest(options.expected, "expected");
    if (options.size !== undefined && (!Number.isSafeInteger(options.size) || options.size < 0)) {
      throw invalid("size", options.size, "must be a non-negative integer");
    }
    const ref =
      options.ref ?? `write-${options.expected ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`}`;
    const writer = await ContentWriter.open(
      this.#ctx,
      ref,
      { total: options.size, expected: options.expected },
      streamOptions(options, this.#ctx.namespace),
    );
    if (writer.exists && options.expected) {
      const size = options.size ?? (await this.info(options.expected, { signal: options.signal })).size;
      return { digest: options.expected, size };
    }
    try {
      const hash = createHash("sha256");
      const size = await new BlobWriter(writer, { onChunk: (c) => hash.update(c) }).copy(sources(data));
      const digest = `sha256:${hash.digest("hex")}`;
      await writer.commit(size, options.expected ?? digest, options.labels);
      return { digest: options.expected ?? digest, size };
    } finally {
      await writer.close();
    }
  }

  /** Unfinished writes, optionally filtered by `ref` (`ref~=^layer-`). */
  async ingests(options: OperationOptions & { filters?: string[] } = {}): Promise<IngestStatus[]> {
    options = checkCallOptions(options);
    const res = await this.#ctx.services.content.listStatuses(
      { filters: options.filters ?? [] },
      rawOptions(options, this.#ctx.namespace),
    );
    return res.statuses.map((s) => ({
      ref: s.ref,
      offset: toNumber(s.offset),
      total: toNumber(s.total),
      startedAt: s.startedAt,
      updatedAt: s.updatedAt,
    }));
  }

  /** Drops an unfinished write (one RPC); NotFoundError when there is none. */
  async abort(ref: string, options?: OperationOptions): Promise<void> {
    options = checkCallOptions(options);
    await this.#ctx.services.content.abort({ ref }, rawOptions(options, this.#ctx.namespace));
  }
}

function assertSource(data: unknown): asserts data is ContentSource {
  if (typeof data === "string" || data instanceof Uint8Array) return;
  if (typeof (data as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === "function") return;
  throw invalid("data", data, "must be a Uint8Array, a string or an async iterable of them");
}

/** The source as an iterable of pieces. */
function sources(data: ContentSource): AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> {
  return typeof data === "string" || data instanceof Uint8Array ? [data] : data;
}

function toInfo(info: WireInfo | undefined): ContentInfo {
  return {
    digest: info?.digest ?? "",
    size: toNumber(info?.size),
    createdAt: info?.createdAt ?? new Date(0),
    updatedAt: info?.updatedAt ?? new Date(0),
    labels: { ...info?.labels },
  };
}

/** @internal */
export function assertDigest(value: unknown, field: string): asserts value is string {
  if (!isDigest(value)) {
    throw invalid(field, value, "is not a sha256 digest");
  }
}
