import assert from "node:assert/strict";
import { describe, test } from "node:test";
import Long from "long";
import {
  WriteAction,
  WriteContentRequest,
} from "../../src/gen/github.com/containerd/containerd/api/services/content/v1/content.js";
import { writeRequest } from "../../src/images/write-request.js";

function joined(offset: number, chunks: Uint8Array[]): Buffer {
  return Buffer.concat(writeRequest(offset, chunks).parts);
}

describe("content WRITE requests encoded in parts", () => {
  test("match the generated encoder's bytes", () => {
    const chunks = [Buffer.from("hello "), Buffer.alloc(300, 7), Buffer.from("world")];
    const expected = WriteContentRequest.encode(
      WriteContentRequest.fromPartial({
        action: WriteAction.WRITE,
        offset: Long.fromNumber(5_000_000_000),
        data: Buffer.concat(chunks),
      }),
    ).finish();
    assert.deepEqual(joined(5_000_000_000, chunks), Buffer.from(expected));
  });

  test("at offset 0 decode to a WRITE of the chunks at 0", () => {
    const decoded = WriteContentRequest.decode(joined(0, [Buffer.from("ab"), Buffer.from("c")]));
    assert.equal(decoded.action, WriteAction.WRITE);
    assert.equal(decoded.offset.toNumber(), 0);
    assert.equal(Buffer.from(decoded.data).toString(), "abc");
  });

  test("keep the chunks as they are, not copies", () => {
    const chunk = Buffer.alloc(1024);
    assert.equal(writeRequest(0, [chunk]).parts[1], chunk);
  });
});
