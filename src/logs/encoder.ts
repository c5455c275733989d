import { isUtf8 } from "node:buffer";

/** Docker's json-file splits lines longer than this into several entries (its copier's buffer). */
export const MAX_ENTRY_BYTES = 16 * 1024;

const PREFIX = Buffer.from('{"log":"');
const HEX = Buffer.from("0123456789abcdef");
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
/** Per record besides the text: prefix, suffix with stream and a 30-character time, escaped newline. */
const RECORD_OVERHEAD = 96;

/**
 * Scratch space shared by every encoder of the process (records are written before the next push):
 * the records out, and an unfinished line joined with the next chunk.
 */
let scratch = Buffer.allocUnsafe(256 * 1024);
let joined = Buffer.allocUnsafe(96 * 1024);

/** `carry` then `chunk`, in the shared join buffer. */
function join(carry: Buffer, chunk: Buffer): Buffer {
  const length = carry.length + chunk.length;
  if (joined.length < length) joined = Buffer.allocUnsafe(length);
  carry.copy(joined, 0);
  chunk.copy(joined, carry.length);
  return joined.subarray(0, length);
}

/** Bytes at the end of `data` that start a UTF-8 sequence `data` does not finish (0 to 3). */
function incompleteTail(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** `data` with invalid UTF-8 replaced by U+FFFD (as Go's JSON encoder does), but an unfinished last character kept. */
function validUtf8(data: Buffer, final: boolean): Buffer {
  if (isUtf8(data)) return data;
  const keep = final ? 0 : incompleteTail(data);
  const head = data.subarray(0, data.length - keep);
  if (keep > 0 && isUtf8(head)) return data;
  return Buffer.concat([Buffer.from(head.toString("utf8")), data.subarray(head.length)]);
}

function capacity(data: Buffer): number {
  let lines = 1 + Math.ceil(data.length / MAX_ENTRY_BYTES);
  for (let i = data.indexOf(NEWLINE); i >= 0; i = data.indexOf(NEWLINE, i + 1)) lines++;
  return data.length * 6 + lines * RECORD_OVERHEAD;
}

/**
 * @internal Turns one stream's bytes into json-file records (`{"log":"…","stream":"stdout","time":"…"}`),
 * one per line, lines over {@link MAX_ENTRY_BYTES} split at a character boundary. An unfinished
 * line waits for more bytes (or {@link LineEncoder.flush} at the end).
 */
export class LineEncoder {
  readonly #stream: string;
  #carry: Buffer | undefined;

  constructor(stream: "stdout" | "stderr") {
    this.#stream = stream;
  }

  /** The records of the complete lines so far; valid until the next call of any encoder. */
  push(chunk: Buffer, time: string): Buffer {
    const data = this.#carry ? join(this.#carry, chunk) : chunk;
    return this.#encode(data, time, false);
  }

  /** The unfinished line, if any, as a record without a newline. */
  flush(time: string): Buffer {
    const data = this.#carry ?? Buffer.alloc(0);
    return this.#encode(data, time, true);
  }

  #encode(raw: Buffer, time: string, final: boolean): Buffer {
    const data = validUtf8(raw, final);
    const need = capacity(data);
    if (scratch.length < need) scratch = Buffer.allocUnsafe(need);
    const out = scratch;
    const suffix = Buffer.from(`","stream":"${this.#stream}","time":"${time}"}\n`);
    let o = 0;
    let start = 0; // where the current record's text begins in data
    let recordAt = -1; // where the current record begins in out; -1: none open
    let done = 0; // bytes of data consumed by closed records
    for (let i = 0; i < data.length; i++) {
      const c = data[i] as number;
      if (recordAt < 0) {
        recordAt = o;
        start = i;
        o += PREFIX.copy(out, o);
      }
      if (c === NEWLINE) {
        out[o++] = BACKSLASH;
        out[o++] = 0x6e;
        o += suffix.copy(out, o);
        recordAt = -1;
        done = i + 1;
        continue;
      }
      if (i - start >= MAX_ENTRY_BYTES && (c & 0xc0) !== 0x80) {
        // A long line: close this record before a character that starts a new one.
        o += suffix.copy(out, o);
        recordAt = o;
        start = i;
        done = i;
        o += PREFIX.copy(out, o);
      }
      if (c === QUOTE || c === BACKSLASH) {
        out[o++] = BACKSLASH;
        out[o++] = c;
      } else if (c < 0x20) {
        o = escapeControl(out, o, c);
      } else {
        out[o++] = c;
      }
    }
    if (recordAt >= 0 && final && data.length > start) {
      o += suffix.copy(out, o);
      done = data.length;
    } else if (recordAt >= 0) {
      o = recordAt; // the unfinished line waits for its newline
    }
    this.#carry = done < data.length ? Buffer.from(data.subarray(done)) : undefined;
    return out.subarray(0, o);
  }
}

function escapeControl(out: Buffer, o: number, c: number): number {
  out[o++] = BACKSLASH;
  if (c === 0x09) out[o++] = 0x74;
  else if (c === 0x0d) out[o++] = 0x72;
  else {
    out[o++] = 0x75; // \u00XX
    out[o++] = 0x30;
    out[o++] = 0x30;
    out[o++] = HEX[c >> 4] as number;
    out[o++] = HEX[c & 15] as number;
  }
  return o;
}
