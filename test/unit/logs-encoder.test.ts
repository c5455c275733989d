import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LineEncoder, MAX_ENTRY_BYTES } from "../../src/logs/encoder.js";
import { parseLine } from "../../src/logs/record.js";

const T = "2024-05-01T10:00:00.123456789Z";

/** The records an encoder gives for `chunks`, parsed (JSON.parse proves each is valid JSON). */
function records(chunks: Array<string | Buffer>, final = true): Array<Record<string, unknown>> {
  const encoder = new LineEncoder("stdout");
  const text: string[] = [];
  for (const chunk of chunks) text.push(encoder.push(Buffer.from(chunk), T).toString());
  if (final) text.push(encoder.flush(T).toString());
  return text
    .join("")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

describe("json-file encoder", () => {
  test("one record per line, with the newline kept, the stream and the time", () => {
    assert.deepEqual(records(["a\nbc\n"]), [
      { log: "a\n", stream: "stdout", time: T },
      { log: "bc\n", stream: "stdout", time: T },
    ]);
  });

  test("a line split across chunks becomes one record", () => {
    assert.deepEqual(
      records(["hel", "lo\nwor", "ld\n"]).map((r) => r.log),
      ["hello\n", "world\n"],
    );
  });

  test("an unfinished line waits, then is written without a newline at the end", () => {
    assert.deepEqual(
      records(["done\npart"], false).map((r) => r.log),
      ["done\n"],
    );
    assert.deepEqual(
      records(["done\npart"]).map((r) => r.log),
      ["done\n", "part"],
    );
  });

  test("quotes, backslashes and control characters are escaped", () => {
    const line = 'say "hi" \\ \t\r\x01\x1f end\n';
    assert.deepEqual(
      records([line]).map((r) => r.log),
      [line],
    );
  });

  test("UTF-8 passes through, even split across chunks", () => {
    const bytes = Buffer.from("héllo wörld 🐳\n");
    assert.deepEqual(
      records([bytes.subarray(0, 2), bytes.subarray(2, 15), bytes.subarray(15)]).map((r) => r.log),
      ["héllo wörld 🐳\n"],
    );
  });

  test("invalid UTF-8 becomes U+FFFD, as Go's JSON encoder writes it", () => {
    assert.deepEqual(
      records([Buffer.from([0x61, 0xff, 0x62, 0x0a])]).map((r) => r.log),
      ["a\ufffdb\n"],
    );
  });

  test("a line over 16 KiB is split into entries of 16 KiB, never inside a character", () => {
    const line = `${"é".repeat(MAX_ENTRY_BYTES)}\n`; // 2 bytes each
    const logs = records([line]).map((r) => r.log as string);
    assert.equal(logs.join(""), line);
    assert.equal(logs.length, 2);
    for (const log of logs) assert.ok(Buffer.byteLength(log) <= MAX_ENTRY_BYTES + 1);
  });

  test("the parser reads what the encoder writes", () => {
    const encoder = new LineEncoder("stderr");
    const line = encoder.push(Buffer.from("x\n"), T).toString().trimEnd();
    assert.deepEqual(parseLine(line), { stream: "stderr", time: new Date(T), data: "x\n" });
    assert.equal(parseLine('{"eof":true,"time":"x"}'), "end");
    assert.equal(parseLine("{damaged"), undefined);
  });
});
