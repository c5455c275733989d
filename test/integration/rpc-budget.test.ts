import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type RpcCounts, rpcDelta } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const short = (counts: RpcCounts) =>
  Object.fromEntries([...counts].map(([k, v]) => [k.replace(/^containerd\.services\.|\.v1\./g, ""), v]));

describe("RPC budget (counted by containerd's own metrics)", () => {
  const d = useDaemon({ metrics: true });

  async function lifecycle(): Promise<void> {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await c.newTask();
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    await c.delete();
  }

  test("a run-to-exit lifecycle costs 5 RPCs in steady state", async () => {
    await lifecycle(); // opens the client's event stream once
    const before = await d.ctr.rpcCounts();
    await lifecycle();
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    assert.deepEqual(short(delta), {
      "containersContainers/Create": 1,
      "tasksTasks/Create": 1,
      "tasksTasks/Start": 1,
      "tasksTasks/Delete": 1,
      "containersContainers/Delete": 1,
    });
  });

  test("an exec costs 3 RPCs: Exec, Start, DeleteProcess", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/sleep", "60"] });
    const task = await c.newTask();
    await task.start();
    const before = await d.ctr.rpcCounts();
    const p = await task.exec("e1", { args: ["/bin/true"] });
    await p.start();
    assert.equal((await p.wait()).exitCode, 0);
    await p.delete();
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    assert.deepEqual(short(delta), {
      "tasksTasks/Exec": 1,
      "tasksTasks/Start": 1,
      "tasksTasks/DeleteProcess": 1,
    });
    await task.delete({ force: true });
    await c.delete();
  });
});
