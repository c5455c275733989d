import type { ContentWriter } from "./content-writer.js";

/** Go's buffer size for content writes: 1 MiB per WRITE message. */
export const CHUNK = 1024 * 1024;

/** What a {@link BlobWriter} takes. */
export interface BlobWriterOptions {
  /** Byte of the blob the source starts at (a ranged download resuming an ingest). Default 0. */
  from?: number;
  /** Sees every chunk of the source, including bytes the ingest already held (to hash or sniff them). */
  onChunk?: (chunk: Buffer) => void;
  /** Called after each write with the bytes now in the ingest. */
  onWritten?: (offset: number) => void;
}

/**
 * Copies a byte stream into an open ingest, the one loop behind pull, import and `content.write`:
 * small chunks are gathered and large ones split into writes of {@link CHUNK} (as slices, not copies:
 * the chunks must not be reused once given), and bytes the ingest
 * already holds (an interrupted earlier writer left them) are skipped, so a rerun resumes.
 * @internal
 */
export class BlobWriter {
  /** Byte of the blob the next chunk of the source is: `from` plus the bytes read so far. */
  position: number;
  readonly #writer: ContentWriter;
  readonly #options: BlobWriterOptions;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(writer: ContentWriter, options: BlobWriterOptions = {}) {
    this.#writer = writer;
    this.#options = options;
    this.position = options.from ?? 0;
  }

  /**
   * Writes all of `source`. When the source breaks, what arrived is written before the error is
   * rethrown, so the next writer under the same ref resumes from there. Returns {@link position}.
   */
  async copy(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<number> {
    try {
      for await (const chunk of source) await this.#take(toBuffer(chunk));
    } catch (err) {
      await this.#flush().catch(() => {}); // the original error is the one to report
      throw err;
    }
    await this.#flush();
    return this.position;
  }

  async #take(chunk: Buffer): Promise<void> {
    this.#options.onChunk?.(chunk);
    const start = this.position;
    this.position += chunk.length;
    const skip = Math.min(chunk.length, Math.max(0, this.#writer.offset - start));
    if (skip === chunk.length) return;
    this.#pending.push(skip ? chunk.subarray(skip) : chunk);
    this.#pendingBytes += chunk.length - skip;
    if (this.#pendingBytes >= CHUNK) await this.#flush(CHUNK);
  }

  /** Writes what is pending in writes of {@link CHUNK}, while at least `least` bytes are (1: all). */
  async #flush(least = 1): Promise<void> {
    if (this.#pendingBytes < least) return;
    while (this.#pendingBytes >= least) await this.#writer.write(this.#nextWrite());
    this.#options.onWritten?.(this.#writer.offset);
  }

  /** The pending chunks' first {@link CHUNK} bytes, as slices of them (nothing is copied). */
  #nextWrite(): Buffer[] {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < CHUNK && this.#pending.length > 0) {
      const chunk = this.#pending[0] as Buffer;
      const take = Math.min(chunk.length, CHUNK - size);
      parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      if (take === chunk.length) this.#pending.shift();
      else this.#pending[0] = chunk.subarray(take);
      size += take;
    }
    this.#pendingBytes -= size;
    return parts;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}
