import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FifoPool, type FifoPoolOptions, mkfifos } from "../../src/io/fifo-pool.js";
import { createFifoSet } from "../../src/io/index.js";

describe("FifoPool", () => {
  let root: string;
  let n = 0;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "io-fifo-pool-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** A pool in a fresh fifoDir whose maker counts its calls (and really makes the FIFOs). */
  function counted(options: FifoPoolOptions = {}) {
    const fifoDir = join(root, `f${++n}`);
    const calls: number[] = [];
    const pool = new FifoPool(fifoDir, {
      make: (paths, signal) => {
        calls.push(paths.length);
        return mkfifos(paths, signal);
      },
      ...options,
    });
    return { fifoDir, pool, calls };
  }

  /** Fresh target paths in their own directory under `fifoDir`. */
  async function targets(fifoDir: string, count: number): Promise<string[]> {
    await mkdir(fifoDir, { recursive: true });
    const dir = await mkdtemp(join(fifoDir, "p-"));
    return Array.from({ length: count }, (_, i) => join(dir, `t${i}`));
  }

  test("a new pool makes nothing: no directory, no spawn", async () => {
    const { fifoDir, pool, calls } = counted();
    assert.equal(pool.dir, undefined);
    await pool.close();
    assert.deepEqual(calls, []);
    await assert.rejects(stat(fifoDir), { code: "ENOENT" });
  });

  test("places 0600 FIFOs at the targets from a 0700 .pool- directory under fifoDir", async () => {
    const { fifoDir, pool } = counted({ batch: 4, lowWater: 0 });
    const wanted = [join(fifoDir, "a"), join(fifoDir, "b")];
    assert.deepEqual(await pool.place(wanted), []);
    for (const path of wanted) {
      const st = await stat(path);
      assert.ok(st.isFIFO(), path);
      assert.equal(st.mode & 0o777, 0o600);
    }
    const dir = pool.dir ?? "";
    assert.ok(dir.startsWith(join(fifoDir, ".pool-")), dir);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await readdir(dir)).length, 2);
    await pool.close();
  });

  test("one mkfifo batch serves several processes", async () => {
    const { fifoDir, pool, calls } = counted({ batch: 12, lowWater: 0 });
    for (let i = 0; i < 4; i++) assert.deepEqual(await pool.place(await targets(fifoDir, 3)), []);
    assert.deepEqual(calls, [12]);
    assert.equal(pool.size, 0);
    await pool.close();
  });

  test("below the low-water mark one background refill starts, shared by callers meanwhile", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls: number[] = [];
    const fifoDir = join(root, `f${++n}`);
    const pool = new FifoPool(fifoDir, {
      batch: 6,
      lowWater: 3,
      make: async (paths, signal) => {
        calls.push(paths.length);
        if (calls.length > 1) await gate;
        await mkfifos(paths, signal);
      },
    });
    assert.deepEqual(await pool.place(await targets(fifoDir, 3)), []);
    assert.deepEqual(calls, [6]);
    assert.deepEqual(await pool.place(await targets(fifoDir, 1)), []);
    // 2 left, below 3: a refill is in flight; this one is served from what is left, no new spawn.
    assert.deepEqual(calls, [6, 6]);
    assert.deepEqual(await pool.place(await targets(fifoDir, 1)), []);
    assert.deepEqual(calls, [6, 6]);
    release();
    // Needing 3 with 1 left waits for the refill in flight rather than spawning.
    assert.deepEqual(await pool.place(await targets(fifoDir, 3)), []);
    assert.deepEqual(calls, [6, 6]);
    await pool.close();
  });

  test("a failed refill leaves every target to the caller", async () => {
    const fifoDir = join(root, `f${++n}`);
    const pool = new FifoPool(fifoDir, { make: () => Promise.reject(new Error("no mkfifo")) });
    const wanted = [join(fifoDir, "x")];
    assert.deepEqual(await pool.place(wanted), wanted);
    await pool.close();
    await assert.rejects(stat(wanted[0] as string), { code: "ENOENT" });
  });

  test("callers beyond one batch get their targets back to make directly", async () => {
    const { fifoDir, pool, calls } = counted({ batch: 6, lowWater: 0 });
    const sets = await Promise.all([0, 1, 2].map(() => targets(fifoDir, 3)));
    const results = await Promise.all(sets.map((set) => pool.place(set)));
    assert.deepEqual(
      results.map((missing) => missing.length),
      [0, 0, 3],
    );
    assert.deepEqual(calls, [6]);
    await pool.close();
  });

  test("a pool directory removed behind its back: targets come back, the next place uses a new one", async () => {
    const { fifoDir, pool } = counted({ batch: 6, lowWater: 0 });
    assert.deepEqual(await pool.place(await targets(fifoDir, 1)), []);
    const first = pool.dir ?? "";
    await rm(first, { recursive: true });
    const wanted = await targets(fifoDir, 2);
    assert.deepEqual(await pool.place(wanted), wanted);
    assert.deepEqual(await pool.place(await targets(fifoDir, 2)), []);
    assert.notEqual(pool.dir, first);
    await pool.close();
  });

  test("close kills a refill in flight and removes the pool directory; later places make nothing", async () => {
    const fifoDir = join(root, `f${++n}`);
    let aborted = false;
    const pool = new FifoPool(fifoDir, {
      make: (_paths, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    });
    const placing = pool.place([join(fifoDir, "x")]);
    // Let the refill make its directory and start "mkfifo".
    while (pool.dir === undefined) await new Promise((resolve) => setImmediate(resolve));
    const dir = pool.dir;
    await pool.close();
    assert.ok(aborted);
    assert.equal((await placing).length, 1);
    await assert.rejects(stat(dir), { code: "ENOENT" });
    assert.deepEqual(await readdir(fifoDir), []);
    const after = [join(fifoDir, "y")];
    assert.deepEqual(await pool.place(after), after);
    await pool.close();
  });

  test("close with a real mkfifo in flight leaves nothing behind", async () => {
    const { fifoDir, pool } = counted({ batch: 48 });
    const placing = pool.place([join(fifoDir, "x")]);
    await pool.close();
    await placing;
    assert.deepEqual(await readdir(fifoDir).catch(() => []), []);
  });

  test("createFifoSet takes its FIFOs from the pool it is given", async () => {
    const { fifoDir, pool, calls } = counted({ batch: 6, lowWater: 0 });
    const all = { stdin: true, stdout: true, stderr: true, terminal: false };
    const a = await createFifoSet({ fifoPool: pool, id: "a", ...all });
    const b = await createFifoSet({ fifoPool: pool, id: "b", ...all });
    assert.deepEqual(calls, [6]);
    for (const path of [a.stdin, a.stdout, a.stderr, b.stdin, b.stdout, b.stderr]) {
      const st = await stat(path);
      assert.ok(st.isFIFO(), path);
      assert.equal(st.mode & 0o777, 0o600);
    }
    await Promise.all([a.remove(), b.remove()]);
    // The pool is empty now: the next set waits for a refill and is still complete.
    const c = await createFifoSet({ fifoPool: pool, id: "c", ...all });
    assert.ok((await stat(c.stderr)).isFIFO());
    await c.remove();
    await pool.close();
    assert.deepEqual(await readdir(fifoDir), []);
  });
});
