import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { NotFoundError } from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const run = promisify(execFile);

describe("interoperating with ctr", () => {
  const d = useDaemon();
  const ctr = (...args: string[]) =>
    run("ctr", ["--address", d.ctr.address, "-n", d.client.namespace, ...args]);

  test("a container created by ctr can be loaded, its task signalled and deleted by the SDK", async () => {
    const id = uniqueId("ctr");
    await ctr("run", "-d", "--fifo-dir", d.ctr.fifoDir, "--rootfs", d.rootfs, id, "/bin/sleep", "600");
    const container = await d.client.containers.load(id);
    const task = await container.task();
    assert.equal((await task.status()).status, "running");
    await task.kill("SIGKILL");
    assert.equal((await task.wait()).exitCode, 137);
    assert.equal((await task.delete()).exitCode, 137);
    await container.delete();
    const { stdout } = await ctr("containers", "list", "-q");
    assert.equal(stdout.trim(), "");
  });

  test("a container created by the SDK can be signalled and deleted by ctr", async () => {
    const id = uniqueId("sdk");
    const container = await d.client.containers.create(id, { rootfs: d.rootfs, args: ["/bin/sleep", "600"] });
    const task = await container.newTask();
    await task.start();
    await ctr("task", "kill", "-s", "SIGKILL", id);
    assert.equal((await task.wait()).exitCode, 137);
    await ctr("task", "rm", id);
    await ctr("containers", "rm", id);
    assert.equal((await task.delete()).exitCode, 137);
    await assert.rejects(d.client.containers.load(id), NotFoundError);
  });
});
