import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isNotFound } from "../../src/index.js";
import { parentPid } from "../events-fixtures.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("shim death", () => {
  const d = useDaemon();

  test("SIGKILL of a task's shim settles wait() and delete({ force: true }) cleans up", async () => {
    const container = await d.client.containers.create(uniqueId("shim"), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "1000"],
    });
    const task = await container.newTask({ stdio: "pipe" });
    await task.start();
    const exec = await task.exec("e", { args: ["/bin/sleep", "1000"] });
    await exec.start();
    const shim = await parentPid(task.pid);
    const taskWait = task.wait().then(
      (s) => ({ code: s.exitCode }),
      (err: unknown) => ({ err }),
    );
    const execWait = exec.wait().then(
      (s) => ({ code: s.exitCode }),
      (err: unknown) => ({ err }),
    );
    process.kill(shim, "SIGKILL");
    // An exit status from containerd or a typed error, never a hang.
    const settled = await taskWait;
    assert.ok("code" in settled || isNotFound(settled.err), JSON.stringify(settled));
    await task.delete({ force: true }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    const execSettled = await execWait;
    assert.ok("code" in execSettled || isNotFound(execSettled.err), String(execSettled));
    await container.delete();
    const left = await d.client.containers.list({ filters: [`id==${container.id}`] });
    assert.equal(left.length, 0);
  });
});
