import assert from "node:assert/strict";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Client, type Task } from "../../src/index.js";
import { readAll, startedTask, uniqueId, useDaemon } from "../fixtures.js";

// A client's FIFOs come from its pool under fifoDir: made ahead in one mkfifo batch, renamed into each
// process's directory. Each test connects its own client on its own fifoDir, so the listings are its own.
describe("FIFO pool of a client", () => {
  const d = useDaemon();

  async function connect(): Promise<{ client: Client; fifoDir: string }> {
    const fifoDir = join(d.ctr.fifoDir, uniqueId("pool"));
    const client = await Client.connect({ address: d.ctr.address, namespace: d.client.namespace, fifoDir });
    d.defer(() => client.close());
    return { client, fifoDir };
  }

  /** The pool directory and the FIFOs ready in it; the other entries of fifoDir. */
  async function listing(fifoDir: string) {
    const entries = await readdir(fifoDir).catch(() => [] as string[]);
    const pools = entries.filter((e) => e.startsWith(".pool-"));
    const ready = await Promise.all(pools.map(async (p) => (await readdir(join(fifoDir, p))).length));
    return {
      pools,
      ready: ready.reduce((a, b) => a + b, 0),
      others: entries.filter((e) => !pools.includes(e)),
    };
  }

  /** The client's own handle on the running task `sleeper` (the fixture's task belongs to d.client). */
  async function taskOf(client: Client, sleeper: Task): Promise<Task> {
    return (await client.containers.load(sleeper.id)).task();
  }

  async function echo(task: Task, text: string): Promise<string> {
    const p = await task.exec(uniqueId("e"), { args: ["/bin/echo", text], stdio: "pipe" });
    const out = readAll(p.stdout);
    await p.start();
    await p.wait();
    const got = await out;
    await p.delete();
    return got;
  }

  test("a client that never pipes makes no pool", async () => {
    const { client, fifoDir } = await connect();
    const { task: sleeper } = await startedTask(d);
    const task = await taskOf(client, sleeper);
    const p = await task.exec(uniqueId("e"), { args: ["/bin/true"] });
    await p.start();
    await p.wait();
    await p.delete();
    assert.deepEqual(await listing(fifoDir), { pools: [], ready: 0, others: [] });
  });

  test("piped execs take their FIFOs from the pool, and delete removes their FIFO dirs", async () => {
    const { client, fifoDir } = await connect();
    const { task: sleeper } = await startedTask(d);
    const task = await taskOf(client, sleeper);
    assert.equal(await echo(task, "one"), "one\n");
    const first = await listing(fifoDir);
    assert.equal(first.pools.length, 1);
    assert.deepEqual(first.others, []);
    assert.equal(await echo(task, "two"), "two\n");
    // stdin, stdout and stderr renamed out of the pool, nothing spawned to make them.
    assert.deepEqual(await listing(fifoDir), { ...first, ready: first.ready - 3 });
  });

  test("a piped run works on pooled FIFOs and leaves only the pool", async () => {
    const { client, fifoDir } = await connect();
    const result = await client.run({
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "cat; echo err >&2"],
      input: "in",
    });
    assert.equal(result.stdout.toString(), "in");
    assert.equal(result.stderr.toString(), "err\n");
    const { pools, others } = await listing(fifoDir);
    assert.equal(pools.length, 1);
    assert.deepEqual(others, []);
  });

  test("closing the client removes the pool directory", async () => {
    const { client, fifoDir } = await connect();
    await client.run({ rootfs: d.rootfs, args: ["/bin/true"], input: "" });
    assert.equal((await listing(fifoDir)).pools.length, 1);
    await client.close();
    assert.deepEqual(await readdir(fifoDir), []);
  });

  test("more piped execs at once than one batch holds all deliver their output", async () => {
    const { client, fifoDir } = await connect();
    const { task: sleeper } = await startedTask(d);
    const task = await taskOf(client, sleeper);
    const texts = Array.from({ length: 24 }, (_, i) => `n${i}`);
    assert.deepEqual(
      await Promise.all(texts.map((t) => echo(task, t))),
      texts.map((t) => `${t}\n`),
    );
    assert.deepEqual((await listing(fifoDir)).others, []);
  });

  test("a pool directory removed behind the client's back: piped execs still work", async () => {
    const { client, fifoDir } = await connect();
    const { task: sleeper } = await startedTask(d);
    const task = await taskOf(client, sleeper);
    assert.equal(await echo(task, "before"), "before\n");
    const [pool] = (await listing(fifoDir)).pools;
    await rm(join(fifoDir, pool as string), { recursive: true });
    assert.equal(await echo(task, "after"), "after\n");
    assert.equal(await echo(task, "again"), "again\n");
    const now = await listing(fifoDir);
    assert.equal(now.pools.length, 1);
    assert.notEqual(now.pools[0], pool);
    assert.deepEqual(now.others, []);
  });
});
