import assert from "node:assert/strict";
import { mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { backwardLines, forwardLines, wholeLinesEnd } from "../../src/logs/lines.js";
import { rotatedFiles } from "../../src/logs/log-files.js";
import { RotatingFile } from "../../src/logs/rotating-file.js";

describe("log files", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "logs-files-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("rotation keeps at most maxFiles files, newest content in the current one", async () => {
    const path = join(dir, "rot", "json.log");
    const file = new RotatingFile(path, { maxSize: 10, maxFiles: 3 });
    for (const n of [1, 2, 3, 4, 5]) file.write(Buffer.from(`record-${n}\n`)); // 9 bytes each
    file.close();
    assert.deepEqual((await readdir(join(dir, "rot"))).sort(), ["json.log", "json.log.1", "json.log.2"]);
    assert.equal(await readFile(path, "utf8"), "record-5\n");
    assert.equal(await readFile(`${path}.2`, "utf8"), "record-3\n");
    assert.deepEqual(await rotatedFiles(path), [`${path}.2`, `${path}.1`, path]);
  });

  test("with one file, rotation truncates", async () => {
    const path = join(dir, "one.log");
    const file = new RotatingFile(path, { maxSize: 10, maxFiles: 1 });
    for (const n of [1, 2]) file.write(Buffer.from(`record-${n}\n`));
    file.close();
    assert.equal(await readFile(path, "utf8"), "record-2\n");
  });

  test("lines read forward and backward, across 64 KiB blocks, an unfinished last line left out", async () => {
    const path = join(dir, "lines.log");
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${"x".repeat(i % 100)}`);
    await writeFile(path, `${lines.join("\n")}\nunfinished`);
    const handle = await open(path, "r");
    try {
      const end = await wholeLinesEnd(handle, (await handle.stat()).size);
      const cursor = { offset: 0 };
      const forward: string[] = [];
      for await (const line of forwardLines(handle, cursor)) forward.push(line);
      assert.deepEqual(forward, lines);
      assert.equal(cursor.offset, end);
      const backward: string[] = [];
      for await (const line of backwardLines(handle, end)) backward.push(line);
      assert.deepEqual(backward, [...lines].reverse());
    } finally {
      await handle.close();
    }
  });
});
