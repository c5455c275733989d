import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { buildBusyboxImage } from "../../src/testing/index.js";
import { readUntil, uniqueId, useDaemon } from "../fixtures.js";

/** Exits with `code` on `signal`; the loop keeps pid 1 busy until then. */
function trapping(signal: string, code: number): string[] {
  return ["/bin/sh", "-c", `trap 'exit ${code}' ${signal}; echo ready; while :; do sleep 1; done`];
}

/** Says it is ready, then sleeps as pid 1, which ignores SIGTERM (it has no handler). */
const SLEEPER = ["/bin/sh", "-c", "echo ready; exec sleep 600"];

describe("task.stop()", () => {
  const d = useDaemon();

  async function started(options: Record<string, unknown>) {
    const container = await d.client.containers.create(uniqueId("stop"), options);
    const task = await container.newTask({ stdio: "pipe" });
    const ready = task.stdout && readUntil(task.stdout, "ready");
    await task.start();
    await ready;
    return { container, task };
  }

  test("a process that handles SIGTERM exits with its own code", async () => {
    const { container, task } = await started({ rootfs: d.rootfs, args: trapping("TERM", 3) });
    const status = await task.stop({ timeout: 20_000 });
    assert.equal(status.exitCode, 3);
    await task.delete();
    await container.delete();
  });

  test("a process that ignores SIGTERM is killed (137) once the timeout runs out", async () => {
    const { container, task } = await started({ rootfs: d.rootfs, args: SLEEPER });
    const before = Date.now();
    const status = await task.stop({ timeout: 500 });
    assert.equal(status.exitCode, 137);
    assert.ok(Date.now() - before >= 450, `${Date.now() - before} ms`);
    await task.delete();
    await container.delete();
  });

  test("killSignal picks the first signal", async () => {
    const { container, task } = await started({ rootfs: d.rootfs, args: trapping("INT", 6) });
    assert.equal((await task.stop({ killSignal: "SIGINT" })).exitCode, 6);
    await task.delete();
    await container.delete();
  });

  test("stopping a task that has exited resolves with its status", async () => {
    const container = await d.client.containers.create(uniqueId("stop"), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "exit 9"],
    });
    const task = await container.newTask();
    await task.start();
    await task.wait();
    assert.equal((await task.stop()).exitCode, 9);
    const loaded = await container.task();
    assert.equal((await loaded.stop()).exitCode, 9);
    await task.delete();
    await container.delete();
  });

  test("the image's StopSignal is sent by default, also from a task loaded again", async () => {
    await using built = await buildBusyboxImage({ stopSignal: "SIGUSR1", cmd: trapping("USR1", 5) });
    const file = join(d.ctr.dir, "stop-signal.tar");
    await built.writeOciArchive(file, "acc/stop:usr1");
    await d.client.images.import(file);
    const { container, task } = await started({ image: "acc/stop:usr1" });
    assert.equal((await container.info()).labels["io.containerd.image.config.stop-signal"], "SIGUSR1");
    const loaded = await (await d.client.containers.load(container.id)).task();
    assert.equal((await loaded.stop({ timeout: 20_000 })).exitCode, 5);
    await task.delete();
    await container.delete();
  });

  test("an exec stops the same way, leaving the task running", async () => {
    const { container, task } = await started({ rootfs: d.rootfs, args: SLEEPER });
    const proc = await task.exec(uniqueId("x"), { args: trapping("TERM", 4), stdio: "pipe" });
    const ready = proc.stdout && readUntil(proc.stdout, "ready");
    await proc.start();
    await ready;
    assert.equal((await proc.stop()).exitCode, 4);
    await proc.delete();
    assert.equal((await task.status()).status, "running");
    await task.delete({ force: true });
    await container.delete();
  });

  test("a bad killSignal is an InvalidArgumentError naming it, and nothing is sent", async () => {
    const { container, task } = await started({ rootfs: d.rootfs, args: SLEEPER });
    await assert.rejects(
      task.stop({ killSignal: "SIGNOPE" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "killSignal",
    );
    assert.equal((await task.status()).status, "running");
    await task.delete({ force: true });
    await container.delete();
  });
});
