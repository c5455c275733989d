import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { describe, test } from "node:test";
import { fifoDirs, readAll, uniqueId, useDaemon } from "../fixtures.js";

const openFds = async () => (await readdir("/proc/self/fd")).length;

describe("resources over many lifecycles", () => {
  const d = useDaemon();

  test("100 lifecycles with piped stdio leave open fds and FIFO dirs where they started", async () => {
    // One warm-up lifecycle opens the client's event stream, which stays open.
    await d.client.run({ rootfs: d.rootfs, args: ["/bin/true"] });
    const fdsBefore = await openFds();
    const dirsBefore = await fifoDirs(d);
    for (let i = 0; i < 100; i++) {
      const c = await d.client.containers.create(uniqueId(), {
        rootfs: d.rootfs,
        args: ["/bin/echo", `${i}`],
      });
      const task = await c.newTask({ stdio: "pipe" });
      const out = readAll(task.stdout);
      await task.start();
      await task.wait();
      await task.delete();
      await c.delete();
      assert.equal(await out, `${i}\n`);
    }
    assert.equal(await openFds(), fdsBefore);
    assert.deepEqual(await fifoDirs(d), dirsBefore);
  });
});
