import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NotFoundError } from "../../src/index.js";
import { ctr, uniqueId, useDaemon } from "../fixtures.js";

describe("interoperating with ctr", () => {
  const d = useDaemon();

  test("a container created by ctr can be loaded, its task signalled and deleted by the SDK", async () => {
    const id = uniqueId("ctr");
    await ctr(d, "run", "-d", "--fifo-dir", d.ctr.fifoDir, "--rootfs", d.rootfs, id, "/bin/sleep", "600");
    const container = await d.client.containers.load(id);
    const task = await container.task();
    assert.equal((await task.status()).status, "running");
    await task.kill("SIGKILL");
    assert.equal((await task.wait()).exitCode, 137);
    assert.equal((await task.delete()).exitCode, 137);
    await container.delete();
    const { stdout } = await ctr(d, "containers", "list", "-q");
    assert.equal(stdout.trim(), "");
  });

  test("a container created by the SDK can be signalled and deleted by ctr", async () => {
    const id = uniqueId("sdk");
    const container = await d.client.containers.create(id, { rootfs: d.rootfs, args: ["/bin/sleep", "600"] });
    const task = await container.newTask();
    await task.start();
    await ctr(d, "task", "kill", "-s", "SIGKILL", id);
    assert.equal((await task.wait()).exitCode, 137);
    await ctr(d, "task", "rm", id);
    await ctr(d, "containers", "rm", id);
    assert.equal((await task.delete()).exitCode, 137);
    await assert.rejects(d.client.containers.load(id), NotFoundError);
  });
});
