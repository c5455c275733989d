import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, test } from "node:test";
import { DeadlineExceededError } from "../../src/index.js";
import { startedTask, uniqueId, useDaemon } from "../fixtures.js";

describe("handle events and bounded waits", () => {
  const d = useDaemon();

  const running = (args?: string[]) => startedTask(d, args, "h");

  test("a task emits paused and resumed", async () => {
    const { task } = await running();
    const paused = once(task, "paused");
    await task.pause();
    await paused;
    const resumed = once(task, "resumed");
    await task.resume();
    await resumed;
  });

  test("an exec killed with its task gets its own exit as well as the task", async () => {
    const { task } = await running();
    const exec = await task.exec("outlives", { args: ["/bin/sleep", "1000"] });
    await exec.start();
    // Killing the init takes its pid namespace down; the shim reports both exits (containerd 1.6's
    // shim holds the init's until the execs' are out), each routed to its own handle.
    await task.kill("SIGKILL");
    assert.equal((await task.wait()).exitCode, 137);
    assert.equal((await exec.wait()).exitCode, 137);
    await exec.delete();
  });

  test("a task emits exec-started for its exec, and the exec for itself", async () => {
    const { task } = await running();
    const exec = await task.exec("e1", { args: ["/bin/true"] });
    const onTask = once(task, "exec-started");
    const onExec = once(exec, "exec-started");
    const pid = await exec.start();
    assert.deepEqual(await onTask, [{ execId: "e1", pid }]);
    assert.deepEqual(await onExec, [{ execId: "e1", pid }]);
    await exec.wait();
    await exec.delete();
  });

  test("a container emits task-created, task-deleted and deleted", async () => {
    const container = await d.client.containers.create(uniqueId("h"), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "exit 4"],
    });
    const created = once(container, "task-created");
    const task = await container.newTask();
    assert.deepEqual(await created, [{ pid: task.pid }]);
    await task.start();
    await task.wait();
    const deleted = once(container, "task-deleted");
    await task.delete();
    const [status] = await deleted;
    assert.equal(status.exitCode, 4);
    const gone = once(container, "deleted");
    await container.delete();
    await gone;
  });

  test("reloading the same running task 1,000 times leaves the hub's size flat", async () => {
    const { container, task } = await running();
    await container.task();
    const before = d.client.eventHubSize;
    for (let i = 0; i < 1000; i++) await container.task();
    assert.equal(d.client.eventHubSize, before);
    const reloaded = await container.task();
    const exit = reloaded.wait();
    await task.kill("SIGKILL");
    assert.equal((await exit).exitCode, 137);
  });

  test("a handle's hub entries are released when its process exits, is deleted or disposed", async () => {
    const before = d.client.eventHubSize;
    const { container, task } = await running();
    const listener = () => {};
    task.on("oom", listener);
    assert.ok(d.client.eventHubSize > before);
    await task.kill("SIGKILL");
    await task.wait();
    task.off("oom", listener);
    await task.delete();
    await container.delete();
    assert.equal(d.client.eventHubSize, before);
    const again = await running();
    await again.task[Symbol.asyncDispose]();
    await again.container.delete();
    assert.equal(d.client.eventHubSize, before);
  });

  test("wait({ timeout }) rejects with DeadlineExceededError and leaves the process running", async () => {
    const { task } = await running();
    await assert.rejects(task.wait({ timeout: 50 }), DeadlineExceededError);
    assert.equal((await task.status()).status, "running");
  });

  test("wait({ signal }) aborted rejects that wait only", async () => {
    const { task } = await running();
    const controller = new AbortController();
    const aborted = task.wait({ signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, { name: "AbortError" });
    const exit = task.wait();
    await task.kill("SIGKILL");
    assert.equal((await exit).exitCode, 137);
  });

  test("delete({ force, timeout }) of a running task finishes within its timeout", async () => {
    const { task } = await running();
    const status = await task.delete({ force: true, timeout: 10_000 });
    assert.equal(status.exitCode, 137);
  });

  test("delete({ timeout: 0 }) rejects with DeadlineExceededError instead of hanging", async () => {
    const { task } = await running();
    await assert.rejects(task.delete({ force: true, timeout: 0 }), DeadlineExceededError);
  });

  test("start() with an aborted signal rejects before starting the process", async () => {
    const container = await d.client.containers.create(uniqueId("h"), {
      rootfs: d.rootfs,
      args: ["/bin/true"],
    });
    const task = await container.newTask();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(task.start({ signal: controller.signal }));
    assert.equal((await task.status()).status, "created");
    await task.delete();
    await container.delete();
  });

  test("delete() does not wait for piped output nobody reads", async () => {
    const container = await d.client.containers.create(uniqueId("h"), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "echo unread; echo unread >&2"],
    });
    const task = await container.newTask({ stdio: "pipe" });
    await task.start();
    await task.wait();
    const started = performance.now();
    await task.delete();
    // Not a timing assertion on speed: the 2 s drain would exceed this by far.
    assert.ok(performance.now() - started < 1_900, `delete took ${performance.now() - started} ms`);
    await container.delete();
  });
});
