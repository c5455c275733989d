/**
 * A port of the container and task lifecycle tests in containerd's integration/client/container_test.go
 * and container_linux_test.go to this SDK, under their upstream names. The busybox image is replaced
 * by the harness's busybox rootfs (upstream's `oci.WithImageConfig(image)` adds nothing these tests
 * check); `withExitStatus(n)` is `sh -c "exit n"` and `longCommand` is a shell loop. Upstream's
 * assertions are kept. Where a Go call has no SDK counterpart the port says how it maps.
 */
import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { describe, test } from "node:test";
import { FailedPreconditionError, NotFoundError } from "../../src/index.js";
import { readAll, readUntil, uniqueId, useDaemon } from "../fixtures.js";

const longCommand = ["/bin/sh", "-c", "while true; do sleep 1; done"];
const withExitStatus = (code: number) => ["/bin/sh", "-c", `exit ${code}`];

describe("upstream container_test.go / container_linux_test.go: containers and tasks", () => {
  const d = useDaemon();

  async function create(args: string[], extra: Record<string, unknown> = {}) {
    return d.client.containers.create(uniqueId("up"), { rootfs: d.rootfs, args, ...extra });
  }

  test("TestContainerList: a namespace without containers lists none", async () => {
    const client = d.client.withNamespace(uniqueId("empty"));
    assert.equal((await client.containers.list()).length, 0);
  });

  test("TestNewContainer: the container has the id it was given and a spec", async () => {
    const id = uniqueId("up");
    const c = await d.client.containers.create(id, { rootfs: d.rootfs });
    assert.equal(c.id, id);
    assert.ok(await c.spec());
    await c.delete();
  });

  test("TestContainerStart: exit status 7 from wait and from delete", async () => {
    const c = await create(withExitStatus(7));
    const task = await c.newTask();
    assert.ok(task.pid >= 1, `invalid task pid ${task.pid}`);
    await task.start();
    assert.equal((await task.wait()).exitCode, 7);
    assert.equal((await task.delete()).exitCode, 7);
    await c.delete();
  });

  test("TestContainerOutput: echo's output reaches stdout", async () => {
    const c = await create(["echo", "kingkoye"]);
    const task = await c.newTask({ stdio: "pipe" });
    const out = readAll(task.stdout);
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    assert.equal(await out, "kingkoye\n");
    await c.delete();
  });

  test("TestContainerPids: the task's pids are the shell and its sleep, the shell first", async () => {
    const c = await create(["/bin/sh", "-c", "sleep 600; exit 0"]);
    const task = await c.newTask();
    await task.start();
    // The shell forks its sleep after start returns: ask until the child is there.
    let pids = await task.pids();
    for (let i = 0; i < 200 && pids.length < 2; i++) pids = await task.pids();
    assert.equal(pids.length, 2);
    assert.equal(pids[0]?.pid, task.pid, JSON.stringify(pids));
    await task.delete({ force: true });
    await c.delete();
  });

  test("TestContainerCloseIO: closing stdin ends cat", async () => {
    const c = await create(["cat"]);
    const task = await c.newTask({ stdio: { stdin: "pipe", stdout: "ignore" } });
    await task.start();
    task.stdin?.end();
    await task.closeStdin();
    await task.wait();
    await task.delete();
    await c.delete();
  });

  test("TestDeleteRunningContainer: deleting a container with a running task is FailedPrecondition", async () => {
    const c = await create(longCommand);
    const task = await c.newTask();
    await task.start();
    await assert.rejects(c.delete(), FailedPreconditionError);
    await task.kill("SIGKILL");
    await task.wait();
    await task.delete();
    await c.delete();
  });

  test("TestContainerKill: a second kill after the exit is NotFound", async () => {
    const c = await create(longCommand);
    const task = await c.newTask();
    await task.start();
    await task.kill("SIGKILL");
    await task.wait();
    await assert.rejects(task.kill("SIGTERM"), NotFoundError);
    await task.delete();
    await c.delete();
  });

  test("TestContainerNoBinaryExists: creating a task for a missing binary fails", async () => {
    const c = await create(["nothing"]);
    await assert.rejects(c.newTask());
    await c.delete();
  });

  test("TestWaitStoppedTask: waiting again after the exit gives 7", async () => {
    const c = await create(withExitStatus(7));
    const task = await c.newTask();
    await task.start();
    await task.wait();
    assert.equal((await task.wait()).exitCode, 7);
    await task.delete();
    await c.delete();
  });

  test("TestTaskForceDelete: deleting a running task fails; with force it succeeds", async () => {
    const c = await create(longCommand);
    const task = await c.newTask();
    await task.start();
    await assert.rejects(task.delete());
    await task.delete({ force: true });
    await c.delete();
  });

  test("TestContainerHostname: hostname prints the hostname given", async () => {
    const c = await create(["hostname"], { hostname: "myhostname" });
    const task = await c.newTask({ stdio: "pipe" });
    const out = readAll(task.stdout);
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    assert.equal((await out).replace(/\n$/, ""), "myhostname");
    await c.delete();
  });

  test("TestContainerExitedAtSet: the exit time is after the start time", async () => {
    const c = await create(["true"]);
    const task = await c.newTask();
    const startTime = new Date();
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    const status = await task.status();
    assert.ok(status.exitedAt && status.exitedAt > startTime, `exit time ${status.exitedAt} <= ${startTime}`);
    await task.delete();
    await c.delete();
  });

  test("TestContainerMetrics: a created task has metrics", async () => {
    const c = await create(longCommand);
    const task = await c.newTask();
    assert.ok(await task.metrics());
    await task.delete({ force: true });
    await c.delete();
  });

  test("TestDeletedContainerMetrics: metrics of a deleted task fail", async () => {
    const c = await create(withExitStatus(0));
    const task = await c.newTask();
    await task.start();
    await task.wait();
    await task.delete();
    await assert.rejects(task.metrics());
    await c.delete();
  });

  test("TestContainerExtensions: an extension survives a load", async () => {
    const ext = { typeUrl: "test.ext.url", value: new TextEncoder().encode("hello") };
    const c = await d.client.containers.create(uniqueId("up"), {
      rootfs: d.rootfs,
      extensions: { hello: ext },
    });
    for (const handle of [c, await d.client.containers.load(c.id)]) {
      const { extensions } = await handle.info();
      assert.equal(Object.keys(extensions).length, 1);
      assert.equal(extensions.hello?.typeUrl, ext.typeUrl);
      assert.deepEqual(Buffer.from(extensions.hello?.value ?? []), Buffer.from(ext.value));
    }
    await c.delete();
  });

  test("TestContainerUpdate: an updated spec's hostname is read back", async () => {
    const c = await d.client.containers.create(uniqueId("up"), { rootfs: d.rootfs });
    const spec = await c.spec();
    spec.hostname = "updated-hostname";
    await c.update({ spec });
    assert.equal((await c.spec({ refresh: true })).hostname, "updated-hostname");
    await c.delete();
  });

  test("TestContainerInfo: info's id is the container's id", async () => {
    const c = await d.client.containers.create(uniqueId("up"), { rootfs: d.rootfs });
    assert.equal((await c.info()).id, c.id);
    await c.delete();
  });

  test("TestContainerLabels: labels set at create and changed later", async () => {
    const c = await d.client.containers.create(uniqueId("up"), { rootfs: d.rootfs, labels: { test: "yes" } });
    assert.equal((await c.info()).labels.test, "yes");
    const labels = await c.setLabels({ test: "no" });
    assert.equal(labels.test, "no");
    assert.equal((await c.info({ refresh: true })).labels.test, "no");
    await c.delete();
  });

  test("TestShortRunningTaskPid: a task that exits at once still had a pid", async () => {
    const c = await create(["true"]);
    const task = await c.newTask();
    await task.start();
    assert.ok(task.pid > 0, `Unexpected task pid ${task.pid}`);
    await task.wait();
    await task.delete();
    await c.delete();
  });

  test("TestContainerNoSTDIN: a task without stdin exits 0", async () => {
    const c = await create(withExitStatus(0));
    const task = await c.newTask({ stdio: { stdout: "ignore", stderr: "ignore" } });
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    await c.delete();
  });

  test("TestTaskResize: a created task's pty-less resize is accepted", async () => {
    const c = await create(withExitStatus(7));
    const task = await c.newTask();
    await task.resize(32, 32);
    await task.delete({ force: true });
    await c.delete();
  });

  test("TestContainerPTY: a terminal task's output arrives", async () => {
    const c = await create(["echo", "hello"], { terminal: true });
    const task = await c.newTask({ stdio: "pipe", terminal: true });
    const out = readAll(task.stdout);
    await task.start();
    await task.wait();
    await task.delete();
    assert.match(await out, /hello/);
    await c.delete();
  });

  test("TestContainerAttach: a reloaded task re-attaches stdio and both writes come out", async () => {
    const c = await create(["cat"]);
    const task = await c.newTask({ stdio: "pipe" });
    await task.start();
    task.stdin?.write("hello\n");
    const first = await readUntil(task.stdout as Readable, "hello\n");
    await task.detach();
    const loaded = await (await d.client.containers.load(c.id)).task({ attach: true });
    const rest = readAll(loaded.stdout);
    loaded.stdin?.write("hello\n");
    await loaded.closeStdin();
    await loaded.wait();
    await loaded.delete();
    // we wrote the same thing after attach
    assert.equal(first + (await rest), "hello\nhello\n");
    await c.delete();
  });

  test("TestTaskUpdate: the memory limit set at create, then raised by update, is the cgroup's", async () => {
    // upstream reads the cgroup's stats directly; task.metrics() is the same figures through containerd.
    let limit = 32 * 1024 * 1024;
    const c = await create(["sleep", "30"], { resources: { memory: limit } });
    const task = await c.newTask();
    assert.equal((await task.metrics()).memory.limit, BigInt(limit));
    limit = 64 * 1024 * 1024;
    await task.update({ resources: { memory: limit } });
    assert.equal((await task.metrics()).memory.limit, BigInt(limit));
    await task.kill("SIGKILL");
    await task.delete({ force: true });
    await c.delete();
  });

  test("TestContainerKillAll: kill with all in the host pid namespace ends the task", async () => {
    const c = await create(["sh", "-c", "top"], { hostNamespaces: ["pid"] });
    const task = await c.newTask({ stdio: { stdout: "ignore" } });
    await task.start();
    await task.kill("SIGKILL", { all: true });
    await task.wait();
    await task.delete();
    await c.delete();
  });
});
