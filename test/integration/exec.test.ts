import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ContainerdError, InvalidArgumentError, NotFoundError, type Task } from "../../src/index.js";
import { readAll, uniqueId, useDaemon } from "../fixtures.js";

describe("exec", () => {
  const d = useDaemon();
  let task: Task;

  before(async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "600"],
    });
    task = await container.newTask();
    await task.start();
    d.defer(async () => {
      await task.delete({ force: true });
      await container.delete();
    });
  });

  test("exec a process that exits 6: wait gives 6, delete gives 6", async () => {
    const p = await task.exec(uniqueId("e"), { args: ["/bin/sh", "-c", "exit 6"] });
    await p.start();
    assert.ok(p.pid > 0);
    assert.equal((await p.wait()).exitCode, 6);
    assert.equal((await p.delete()).exitCode, 6);
  });

  test("an exec created but never started deletes with 0", async () => {
    const p = await task.exec(uniqueId("e"), { args: ["/bin/true"] });
    assert.equal((await p.delete()).exitCode, 0);
  });

  test("exec of a missing binary: start() fails with a typed error and the process can be deleted", async () => {
    const p = await task.exec(uniqueId("e"), { args: ["/no/such/binary"] });
    const err = await p.start().catch((e: unknown) => e);
    assert.ok(err instanceof ContainerdError, String(err));
    await p.delete();
  });

  test("exec with a 20,000 character argument works", async () => {
    const arg = "x".repeat(20_000);
    const { exitCode, stdout } = await task.run(["/bin/sh", "-c", 'printf %s "$1" | wc -c', "sh", arg]);
    assert.equal(exitCode, 0);
    assert.equal(stdout.trim(), "20000");
  });

  test("task.run collects stdout and stderr separately", async () => {
    const result = await task.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 2"]);
    assert.deepEqual([result.exitCode, result.stdout, result.stderr], [2, "out\n", "err\n"]);
  });

  test("task.run feeds input to stdin", async () => {
    const { stdout } = await task.run(["/bin/cat"], { input: "fed\n" });
    assert.equal(stdout, "fed\n");
  });

  test('task.run with encoding "buffer" gives stdout and stderr as the bytes the process wrote', async () => {
    const script = "printf '\\377\\000\\376'; printf '\\200' >&2";
    const { stdout, stderr }: { stdout: Buffer; stderr: Buffer } = await task.run(["/bin/sh", "-c", script], {
      encoding: "buffer",
    });
    assert.deepEqual([stdout, stderr], [Buffer.from([0xff, 0x00, 0xfe]), Buffer.from([0x80])]);
  });

  test("disposing a running exec kills and deletes it", async () => {
    const id = uniqueId("e");
    {
      await using p = await task.exec(id, { args: ["/bin/sleep", "60"] });
      await p.start();
    }
    await assert.rejects(task.loadProcess(id), NotFoundError);
  });

  test("exec stdout is piped", async () => {
    const p = await task.exec(uniqueId("e"), { args: ["/bin/echo", "from exec"], stdio: "pipe" });
    const out = readAll(p.stdout);
    await p.start();
    await p.wait();
    await p.delete();
    assert.equal(await out, "from exec\n");
  });

  test("an invalid exec id is an InvalidArgumentError naming execId", async () => {
    await assert.rejects(
      task.exec("bad/id", { args: ["/bin/true"] }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "execId",
    );
  });
});
