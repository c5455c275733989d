import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BlobWriter, CHUNK } from "../../src/images/blob-writer.js";
import type { ContentWriter } from "../../src/images/content-writer.js";

/** Stands in for an open ingest: records each write (its chunks joined); `offset` is what it holds. */
function ingest(offset = 0) {
  const writes: Buffer[] = [];
  const writer = {
    offset,
    async write(data: Uint8Array | readonly Uint8Array[]) {
      const joined = Buffer.concat(data instanceof Uint8Array ? [data] : data);
      writes.push(joined);
      writer.offset += joined.length;
    },
  };
  return { writer: writer as unknown as ContentWriter, writes, held: () => writer.offset };
}

async function* pieces(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

describe("BlobWriter", () => {
  test("gathers small chunks into one write and returns the bytes read", async () => {
    const { writer, writes } = ingest();
    const read = await new BlobWriter(writer).copy(pieces("ab", "cd", "ef"));
    assert.equal(read, 6);
    assert.deepEqual(writes.map(String), ["abcdef"]);
  });

  test("splits a large chunk into writes of at most 1 MiB", async () => {
    const { writer, writes } = ingest();
    await new BlobWriter(writer).copy([Buffer.alloc(CHUNK * 2 + 5)]);
    assert.deepEqual(
      writes.map((w) => w.length),
      [CHUNK, CHUNK, 5],
    );
  });

  test("skips the bytes the ingest already holds, across chunk boundaries", async () => {
    const { writer, writes } = ingest(3);
    const seen: string[] = [];
    await new BlobWriter(writer, { onChunk: (c) => seen.push(String(c)) }).copy(pieces("ab", "cd", "ef"));
    assert.deepEqual(writes.map(String), ["def"]);
    assert.deepEqual(seen, ["ab", "cd", "ef"], "onChunk sees skipped bytes too, to hash them");
  });

  test("a source starting at `from` (a ranged download) is written as is", async () => {
    const { writer, writes } = ingest(4);
    const read = await new BlobWriter(writer, { from: 4 }).copy(pieces("ef"));
    assert.equal(read, 6);
    assert.deepEqual(writes.map(String), ["ef"]);
  });

  test("a source that breaks has what arrived written before its error is rethrown", async () => {
    const { writer, held } = ingest();
    const blob = new BlobWriter(writer);
    async function* breaking() {
      yield Buffer.from("abc");
      throw new Error("connection reset");
    }
    await assert.rejects(blob.copy(breaking()), /connection reset/);
    assert.equal(held(), 3);
    assert.equal(blob.position, 3);
  });

  test("onWritten reports the ingest's offset after each write", async () => {
    const { writer } = ingest();
    const offsets: number[] = [];
    await new BlobWriter(writer, { onWritten: (o) => offsets.push(o) }).copy([
      Buffer.alloc(CHUNK),
      Buffer.alloc(10),
    ]);
    assert.deepEqual(offsets, [CHUNK, CHUNK + 10]);
  });

  test("writes slices of the source's chunks, not copies of them", async () => {
    const source = Buffer.alloc(CHUNK + 10, 1);
    const parts: Uint8Array[] = [];
    const writer = {
      offset: 0,
      async write(data: readonly Uint8Array[]) {
        parts.push(...data);
        writer.offset += data.reduce((n, d) => n + d.length, 0);
      },
    };
    await new BlobWriter(writer as unknown as ContentWriter).copy([source]);
    assert.deepEqual(
      parts.map((p) => [p.buffer === source.buffer, p.length]),
      [
        [true, CHUNK],
        [true, 10],
      ],
    );
  });
});
