import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { createFifoSet } from "../../src/io/index.js";

describe("createFifoSet", () => {
  let root: string;
  let fifoDir: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "io-fifo-set-"));
    fifoDir = join(root, "fifo");
  });
  after(() => rm(root, { recursive: true, force: true }));

  const all = { stdin: true, stdout: true, stderr: true, terminal: false };

  test("makes <id>-stdin, -stdout and -stderr FIFOs mode 0600 in a 0700 dir named after the id", async () => {
    const set = await createFifoSet({ fifoDir, id: "web", ...all });
    try {
      assert.ok(set.dir.startsWith(join(fifoDir, "web-")));
      assert.equal((await stat(set.dir)).mode & 0o777, 0o700);
      assert.equal(set.stdin, join(set.dir, "web-stdin"));
      assert.equal(set.stdout, join(set.dir, "web-stdout"));
      assert.equal(set.stderr, join(set.dir, "web-stderr"));
      for (const path of [set.stdin, set.stdout, set.stderr]) {
        const st = await stat(path);
        assert.ok(st.isFIFO(), path);
        assert.equal(st.mode & 0o777, 0o600);
      }
      assert.equal(set.terminal, false);
    } finally {
      await set.remove();
    }
  });

  test("creates a missing fifoDir with mode 0700", async () => {
    const deep = join(root, "a", "b");
    const set = await createFifoSet({ fifoDir: deep, id: "web", ...all });
    await set.remove();
    assert.equal((await stat(deep)).mode & 0o777, 0o700);
  });

  test("terminal makes no stderr FIFO", async () => {
    const set = await createFifoSet({ fifoDir, id: "tty", ...all, terminal: true });
    try {
      assert.equal(set.stderr, "");
      assert.deepEqual((await readdir(set.dir)).sort(), ["tty-stdin", "tty-stdout"]);
    } finally {
      await set.remove();
    }
  });

  test("only the FIFOs asked for are made", async () => {
    const set = await createFifoSet({
      fifoDir,
      id: "e1",
      stdin: false,
      stdout: true,
      stderr: false,
      terminal: false,
    });
    try {
      assert.equal(set.stdin, "");
      assert.equal(set.stderr, "");
      assert.deepEqual(await readdir(set.dir), ["e1-stdout"]);
    } finally {
      await set.remove();
    }
  });

  test("the same id twice gets two directories", async () => {
    const a = await createFifoSet({ fifoDir, id: "same", ...all });
    const b = await createFifoSet({ fifoDir, id: "same", ...all });
    assert.notEqual(a.dir, b.dir);
    await Promise.all([a.remove(), b.remove()]);
  });

  test("remove() deletes the dir and is idempotent", async () => {
    const set = await createFifoSet({ fifoDir, id: "gone", ...all });
    await set.remove();
    await set.remove();
    await assert.rejects(stat(set.dir), { code: "ENOENT" });
  });

  test("fifoDir must be absolute", async () => {
    await assert.rejects(createFifoSet({ fifoDir: "run/fifo", id: "web", ...all }), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "fifoDir");
      return true;
    });
  });

  test("an id that is not an identifier is rejected before anything is made", async () => {
    const dir = join(root, "never");
    await assert.rejects(createFifoSet({ fifoDir: dir, id: "../x", ...all }), { field: "id" });
    await assert.rejects(stat(dir), { code: "ENOENT" });
  });

  test("a failing mkfifo leaves no FIFO dir behind", async () => {
    const bin = join(root, "bin");
    await rm(bin, { recursive: true, force: true });
    await mkdir(bin);
    await writeFile(join(bin, "mkfifo"), "#!/bin/sh\necho 'mkfifo: no' >&2\nexit 1\n");
    await chmod(join(bin, "mkfifo"), 0o755);
    const dir = join(root, "failing");
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      await assert.rejects(createFifoSet({ fifoDir: dir, id: "web", ...all }));
    } finally {
      process.env.PATH = path;
    }
    assert.deepEqual(await readdir(dir), []);
  });
});
