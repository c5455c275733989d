import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { collectOutput, type RunnableProcess, runStdio } from "../../src/io/run-result.js";

/** A created process whose output is `stdout` and `stderr`, written once it starts. */
function fakeProcess(stdout: Buffer, stderr: Buffer): RunnableProcess {
  const out = new PassThrough();
  const err = new PassThrough();
  return {
    stdin: null,
    stdout: out,
    stderr: err,
    async start() {
      out.end(stdout);
      err.end(stderr);
    },
    async closeStdin() {},
    async wait() {},
    async delete() {
      return { exitCode: 0, exitedAt: new Date(0) };
    },
  };
}

const bytes = Buffer.from([0xff, 0x00, 0xfe]);

describe("one-shot run output", () => {
  test('encoding "buffer" gives stdout and stderr as the bytes written', async () => {
    const result = await collectOutput(fakeProcess(bytes, Buffer.from("e")), { encoding: "buffer" });
    assert.deepEqual([result.stdout, result.stderr], [bytes, Buffer.from("e")]);
  });

  test("without an encoding the output is decoded as UTF-8", async () => {
    const result = await collectOutput(fakeProcess(Buffer.from("héllo"), bytes), {});
    assert.deepEqual([result.stdout, result.stderr], ["héllo", "\ufffd\u0000\ufffd"]);
  });

  test("another Buffer encoding decodes with it", async () => {
    const result = await collectOutput(fakeProcess(bytes, Buffer.alloc(0)), { encoding: "hex" });
    assert.deepEqual([result.stdout, result.stderr], ["ff00fe", ""]);
  });

  test("an unknown encoding is an InvalidArgumentError naming encoding", () => {
    for (const encoding of ["klingon", 7, null]) {
      assert.throws(
        () => runStdio({ encoding: encoding as BufferEncoding }),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === "encoding",
      );
    }
  });
});
