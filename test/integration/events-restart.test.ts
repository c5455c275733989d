import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FailedPreconditionError, NotFoundError, UnavailableError } from "../../src/index.js";
import { nextClientEvent, parentPid } from "../events-fixtures.js";
import { startedTask, uniqueId, useDaemon } from "../fixtures.js";

describe("events across a daemon restart", () => {
  const d = useDaemon();

  const running = (args?: string[]) => startedTask(d, args, "rs");

  for (const killSignal of ["SIGTERM", "SIGKILL"] as const) {
    test(`containerd restarted (${killSignal}): a task killed after the restart resolves wait() with 137`, async () => {
      const { task } = await running();
      const reconnected = nextClientEvent(d.client, "reconnect");
      await d.ctr.restart({ killSignal });
      await reconnected;
      await task.kill("SIGKILL");
      const status = await task.wait();
      assert.equal(status.exitCode, 137);
      await task.delete();
    });

    test(`containerd restarted (${killSignal}): a task that exits during the outage resolves with containerd's code and time on 1.6, and rejects with NotFoundError on 1.7 and 2.x, which drop the task at restart`, async () => {
      const { task } = await running();
      const exits: number[] = [];
      task.on("exit", (s) => exits.push(s.exitCode));
      const before = Date.now();
      await d.ctr.restart({ killSignal, whileDown: () => process.kill(task.pid, "SIGKILL") });
      if (!d.ctr.version.startsWith("1.6.")) {
        // containerd 1.7 and 2.x clean up a task whose init died while they were down, before any
        // client can resubscribe: its status is gone, so the wait fails typed, never invented.
        await assert.rejects(task.wait(), NotFoundError);
        assert.deepEqual(exits, []);
        return;
      }
      const status = await task.wait();
      assert.equal(status.exitCode, 137);
      assert.ok(status.exitedAt.getTime() >= before - 1000, String(status.exitedAt));
      assert.ok(status.exitedAt.getTime() <= Date.now());
      assert.deepEqual((await task.delete()).exitCode, 137);
      assert.deepEqual(exits, [137]);
    });
  }

  test("an exec that exits during the outage resolves its wait() with its code", async () => {
    const { task } = await running();
    const exec = await task.exec("sleeper", { args: ["/bin/sh", "-c", "sleep 1000"] });
    await exec.start();
    await d.ctr.restart({ killSignal: "SIGKILL", whileDown: () => process.kill(exec.pid, "SIGTERM") });
    const status = await exec.wait();
    assert.equal(status.exitCode, 143);
    await exec.delete();
    assert.equal(task.exitStatus, undefined);
  });

  test("a task whose shim died during the outage rejects wait() with NotFoundError, no invented code", async () => {
    const { task } = await running();
    const shim = await parentPid(task.pid);
    await d.ctr.restart({
      killSignal: "SIGKILL",
      whileDown: () => {
        process.kill(task.pid, "SIGKILL");
        process.kill(shim, "SIGKILL");
      },
    });
    await assert.rejects(task.wait(), NotFoundError);
  });

  test("disconnect and reconnect are emitted, and RPCs during the outage fail with UnavailableError", async () => {
    const { task } = await running();
    const disconnected = nextClientEvent(d.client, "disconnect");
    const reconnected = nextClientEvent(d.client, "reconnect");
    await d.ctr.restart({
      whileDown: async () => {
        await assert.rejects(d.client.version({ timeout: 2000 }), UnavailableError);
      },
    });
    const [{ error }] = await disconnected;
    assert.ok(error instanceof Error);
    const [{ reconciled }] = await reconnected;
    assert.ok(reconciled >= 1, `reconciled ${reconciled}`);
    await task.kill("SIGKILL");
    assert.equal((await task.wait()).exitCode, 137);
  });

  test("after a restart the container's task presence is asked again: delete refuses while a task exists", async () => {
    const container = await d.client.containers.create(uniqueId("rs"), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "1000"],
    });
    await d.ctr.restart({ killSignal: "SIGKILL" });
    // Another client (raw stubs) creates the task while this one may still be resubscribing.
    await d.client.raw.tasks.create(
      {
        containerId: container.id,
        rootfs: [],
        stdin: "",
        stdout: "",
        stderr: "",
        terminal: false,
        checkpoint: undefined,
        options: undefined,
        runtimePath: "",
      },
      { namespace: d.client.namespace },
    );
    await assert.rejects(container.delete(), FailedPreconditionError);
    const task = await container.task();
    await task.delete({ force: true });
    await container.delete();
  });
});
