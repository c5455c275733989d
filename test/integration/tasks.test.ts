import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isAbortError } from "abort-controller-x";
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../../src/index.js";
import { fifoDirs, readAll, uniqueId, useDaemon } from "../fixtures.js";

describe("tasks", () => {
  const d = useDaemon();

  async function started(args: string[], extra: Record<string, unknown> = {}) {
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args, ...extra });
    const task = await container.newTask({ stdio: "pipe" });
    await task.start();
    return { container, task };
  }

  test("a process that exits 7: pid > 0, wait() gives 7, delete() gives 7, exitedAt after start", async () => {
    const before = Date.now();
    const { container, task } = await started(["/bin/sh", "-c", "exit 7"]);
    assert.ok(task.pid > 0);
    const waited = await task.wait();
    assert.equal(waited.exitCode, 7);
    assert.ok(waited.exitedAt.getTime() >= before - 1000, `${waited.exitedAt.toISOString()}`);
    const deleted = await task.delete();
    assert.equal(deleted.exitCode, 7);
    await container.delete();
  });

  test("wait() after the exit gives the stored code; two waiters both resolve", async () => {
    const { container, task } = await started(["/bin/sh", "-c", "exit 3"]);
    const [a, b] = await Promise.all([task.wait(), task.wait()]);
    assert.equal(a.exitCode, 3);
    assert.equal(b.exitCode, 3);
    assert.equal((await task.wait()).exitCode, 3);
    await task.delete();
    await container.delete();
  });

  test("the exit event is emitted once on the handle", async () => {
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await container.newTask();
    const seen: number[] = [];
    task.on("exit", (s) => seen.push(s.exitCode));
    await task.start();
    await task.wait();
    await task.delete();
    assert.deepEqual(seen, [0]);
    await container.delete();
  });

  test("kill SIGKILL: wait() gives 137; a second kill after exit rejects with NotFoundError", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    await task.kill("SIGKILL");
    assert.equal((await task.wait()).exitCode, 137);
    await task.delete();
    await assert.rejects(task.kill("SIGKILL"), NotFoundError);
    await container.delete();
  });

  test("kill with an unknown signal name is an InvalidArgumentError naming signal", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    await assert.rejects(
      task.kill("SIGNOPE"),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "signal",
    );
    await task.delete({ force: true });
    await container.delete();
  });

  test("pause then status is paused; resume then running", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    await task.pause();
    assert.equal((await task.status()).status, "paused");
    await task.resume();
    assert.equal((await task.status()).status, "running");
    await task.delete({ force: true });
    await container.delete();
  });

  test("pids() includes the task pid", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    const pids = await task.pids();
    assert.ok(
      pids.some((p) => p.pid === task.pid),
      JSON.stringify(pids),
    );
    await task.delete({ force: true });
    await container.delete();
  });

  test("metrics() returns decoded cgroup figures for the container", async () => {
    const { container, task } = await started(["/bin/sleep", "60"], {
      resources: { memory: 64 * 1024 * 1024 },
    });
    const m = await task.metrics();
    assert.ok(m.cgroup === "v1" || m.cgroup === "v2");
    assert.ok(m.pids.current >= 1n);
    assert.ok(m.memory.usage > 0n);
    assert.equal(m.memory.limit, 64n * 1024n * 1024n);
    await task.delete({ force: true });
    await container.delete();
  });

  test("update({ resources: { memory } }) changes the memory limit seen in metrics()", async () => {
    const { container, task } = await started(["/bin/sleep", "60"], {
      resources: { memory: 64 * 1024 * 1024 },
    });
    await task.update({ resources: { memory: 96 * 1024 * 1024 } });
    assert.equal((await task.metrics()).memory.limit, 96n * 1024n * 1024n);
    await task.delete({ force: true });
    await container.delete();
  });

  test("the hostname option is what hostname prints", async () => {
    const { container, task } = await started(["/bin/hostname"], { hostname: "box-1" });
    const out = readAll(task.stdout);
    await task.wait();
    await task.delete();
    assert.equal(await out, "box-1\n");
    await container.delete();
  });

  test("env and cwd options reach the process", async () => {
    const { container, task } = await started(["/bin/sh", "-c", 'echo "$GREETING $(pwd)"'], {
      env: { GREETING: "hi" },
      cwd: "/tmp",
    });
    const out = readAll(task.stdout);
    await task.wait();
    await task.delete();
    assert.equal(await out, "hi /tmp\n");
    await container.delete();
  });

  test("task.delete() on a running task fails; delete({ force: true }) kills and deletes it", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    await assert.rejects(task.delete(), FailedPreconditionError);
    const status = await task.delete({ force: true });
    assert.equal(status.exitCode, 137);
    await container.delete();
  });

  test("an aborted signal cancels a pending wait() without killing the process", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    const controller = new AbortController();
    const pending = task.wait({ signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (err: unknown) => isAbortError(err));
    assert.equal((await task.status()).status, "running");
    await task.delete({ force: true });
    await container.delete();
  });

  test("a missing binary fails newTask with a typed error, and leaves no FIFO dir", async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/no/such/bin"],
    });
    const before = await fifoDirs(d);
    const err = await container.newTask({ stdio: "pipe" }).catch((e: unknown) => e);
    assert.ok(err instanceof Error && "statusCode" in err, String(err));
    assert.deepEqual(await fifoDirs(d), before);
    await container.delete();
  });

  test("resize with a negative size is an InvalidArgumentError naming cols", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    await assert.rejects(
      task.resize(-1, 24),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "cols",
    );
    await task.delete({ force: true });
    await container.delete();
  });

  test("a non-absolute log path is an InvalidArgumentError naming logPath", async () => {
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    await assert.rejects(
      container.newTask({ logPath: "relative.log" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "logPath",
    );
    await container.delete();
  });

  test("a rootfs made of mounts is mounted by the shim for the task", async () => {
    const result = await d.client.run({
      rootfs: [{ type: "bind", source: d.rootfs, options: ["rbind", "ro"] }],
      args: ["/bin/sh", "-c", "ls /bin/busybox && touch /x"],
    });
    assert.equal(result.stdout, "/bin/busybox\n");
    assert.notEqual(result.exitCode, 0, "the read-only bind mount refuses writes");
  });

  test("empty rootfs mounts are an InvalidArgumentError naming rootfs", async () => {
    await assert.rejects(
      d.client.containers.create(uniqueId(), { rootfs: [] }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "rootfs",
    );
  });

  test("client.run creates, runs, collects and removes everything", async () => {
    const result = await d.client.run({
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "echo out; echo err >&2; exit 4"],
    });
    assert.deepEqual(
      { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr },
      { exitCode: 4, stdout: "out\n", stderr: "err\n" },
    );
    assert.deepEqual(await d.client.containers.list(), []);
  });

  test('client.run with encoding "buffer" gives the bytes as they came; by default they are UTF-8 text', async () => {
    const options = { rootfs: d.rootfs, args: ["/bin/sh", "-c", "printf '\\377\\000\\376'"] };
    const raw = await d.client.run({ ...options, encoding: "buffer" });
    assert.deepEqual([raw.stdout, raw.stderr], [Buffer.from([0xff, 0x00, 0xfe]), Buffer.alloc(0)]);
    const text = await d.client.run(options);
    assert.equal(text.stdout, "\ufffd\u0000\ufffd");
  });

  test("client.run with an unknown encoding is an InvalidArgumentError naming encoding, before any RPC", async () => {
    const id = uniqueId();
    await assert.rejects(
      d.client.run({ id, rootfs: d.rootfs, args: ["/bin/true"], encoding: "klingon" as BufferEncoding }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "encoding",
    );
    await assert.rejects(d.client.containers.load(id), NotFoundError);
  });

  test("disposing a task kills and deletes it; disposing another handle of it afterwards is quiet", async () => {
    const { container, task } = await started(["/bin/sleep", "60"]);
    const other = await container.task();
    await task[Symbol.asyncDispose]();
    assert.equal(task.exitStatus?.exitCode, 137);
    await assert.rejects(container.task(), NotFoundError);
    await other[Symbol.asyncDispose]();
    await container.delete();
  });

  test("await using: a task created in a block is gone when the block ends", async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "60"],
    });
    {
      await using task = await container.newTask();
      await task.start();
    }
    await assert.rejects(container.task(), NotFoundError);
    await container.delete();
  });
});
