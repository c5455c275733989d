import type { FileHandle } from "node:fs/promises";

const BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

/** @internal Where a forward read got to: just past the last whole line it yielded. */
export interface Cursor {
  offset: number;
}

/**
 * @internal The whole lines of `handle` from `cursor.offset` up to `end` (or its current end),
 * without their newlines; a last line still being written is left for the next read.
 */
export async function* forwardLines(
  handle: FileHandle,
  cursor: Cursor,
  end = Infinity,
): AsyncGenerator<string> {
  const block = Buffer.allocUnsafe(BLOCK);
  let carry: Buffer | undefined;
  let pos = cursor.offset;
  while (pos < end) {
    const { bytesRead } = await handle.read(block, 0, Math.min(BLOCK, end - pos), pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    const data = carry ? Buffer.concat([carry, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead);
    const base = pos - data.length;
    let start = 0;
    for (let nl = data.indexOf(NEWLINE); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
      const line = data.toString("utf8", start, nl);
      start = nl + 1;
      cursor.offset = base + start;
      yield line;
    }
    carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }
}

/** @internal The whole lines of `handle` before `end` (a line boundary), last first. */
export async function* backwardLines(handle: FileHandle, end: number): AsyncGenerator<string> {
  let pos = end;
  let tail: Buffer | undefined; // the end of a line whose start is in an earlier block
  while (pos > 0) {
    const size = Math.min(BLOCK, pos);
    pos -= size;
    const block = Buffer.allocUnsafe(size);
    await handle.read(block, 0, size, pos);
    const data = tail ? Buffer.concat([block, tail]) : block;
    let lineEnd = data.length; // just past the newline of the line being cut out
    for (;;) {
      const nl = lineEnd >= 2 ? data.lastIndexOf(NEWLINE, lineEnd - 2) : -1;
      if (nl < 0) break;
      yield data.toString("utf8", nl + 1, lineEnd - 1);
      lineEnd = nl + 1;
    }
    tail = Buffer.from(data.subarray(0, lineEnd));
  }
  if (tail && tail.length > 1) yield tail.toString("utf8", 0, tail.length - 1);
}

/** @internal The offset just past the last newline before `size`: where whole lines end. */
export async function wholeLinesEnd(handle: FileHandle, size: number): Promise<number> {
  const block = Buffer.allocUnsafe(BLOCK);
  for (let pos = size; pos > 0; ) {
    const from = Math.max(0, pos - BLOCK);
    const { bytesRead } = await handle.read(block, 0, pos - from, from);
    const nl = block.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (nl >= 0) return from + nl + 1;
    pos = from;
  }
  return 0;
}
