/**
 * gRPC's length-prefixed messages on an HTTP/2 stream: a flag byte (1 = compressed), a 4-byte
 * big-endian length, then the message. DATA frames split and join messages freely, so the decoder
 * keeps what it has of a partial one.
 *
 * @module
 */

/** @internal The 5-byte prefix of an uncompressed message of `length` bytes. */
export function messageHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = 0;
  header.writeUInt32BE(length, 1);
  return header;
}

/** @internal The 5-byte prefix and `message`, in one buffer. */
export function encodeMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** @internal Why a stream's bytes are not messages the client can take. */
export class FrameError extends Error {
  constructor(
    message: string,
    /** The gRPC status the call ends with. */
    readonly code: number,
  ) {
    super(message);
  }
}

const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;

/** @internal Turns DATA chunks into whole messages; throws FrameError on what it cannot take. */
export class MessageDecoder {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(readonly maxMessageBytes: number) {}

  /** The messages `chunk` completes, in order. */
  push(chunk: Buffer): Buffer[] {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const out: Buffer[] = [];
    while (this.#pendingBytes >= 5) {
      const head = this.#peek(5);
      const length = head.readUInt32BE(1);
      if (head[0] !== 0)
        throw new FrameError("compressed message, and no compression was asked for", INTERNAL);
      if (length > this.maxMessageBytes) {
        throw new FrameError(
          `Received message larger than max (${length} vs. ${this.maxMessageBytes})`,
          RESOURCE_EXHAUSTED,
        );
      }
      if (this.#pendingBytes < 5 + length) break;
      out.push(this.#take(5 + length).subarray(5));
    }
    return out;
  }

  /** True when a message has begun and not ended. */
  get partial(): boolean {
    return this.#pendingBytes > 0;
  }

  #peek(n: number): Buffer {
    const first = this.#pending[0] as Buffer;
    if (first.length >= n) return first;
    this.#pending = [Buffer.concat(this.#pending)];
    return this.#pending[0] as Buffer;
  }

  #take(n: number): Buffer {
    const all = this.#peek(n);
    this.#pending = all.length > n ? [all.subarray(n)] : [];
    this.#pendingBytes -= n;
    return all.subarray(0, n);
  }
}
