import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError, UnknownError } from "../../src/index.js";
import { rpcDelta } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

// CRIU is not installed on these machines (and `criu check` fails where it is), so a checkpoint can
// only be shown as far as containerd takes it: the request arrives, and its error comes back typed.
describe("images: checkpoint", () => {
  const d = useDaemon({ metrics: true });

  test("checkpoint without CRIU reaches Tasks.Checkpoint, rejects typed, and leaves the task running", async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "60"],
    });
    const task = await container.newTask();
    await task.start();
    const before = await d.ctr.rpcCounts();
    const err = await d.client.images.checkpoint(container.id, { name: "cp-1" }).catch((e: unknown) => e);
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    // runc's "CRIU version check failed: exec: \"criu\": executable file not found", as UNKNOWN.
    assert.ok(err instanceof UnknownError, String(err));
    assert.match(err.message, /criu/i);
    assert.equal(delta.get("containerd.services.tasks.v1.Tasks/Checkpoint"), 1);
    assert.equal(delta.get("containerd.services.tasks.v1.Tasks/Pause"), 1);
    assert.equal(delta.get("containerd.services.tasks.v1.Tasks/Resume"), 1);
    assert.equal((await task.status()).status, "running");
    assert.deepEqual(await d.client.images.list({ filters: ['labels."containerd.io/checkpoint"'] }), []);
    assert.deepEqual(await d.client.leases.list(), []);
    await task.delete({ force: true });
    await container.delete();
  });

  test("checkpoint with a bad container id rejects with InvalidArgumentError before any RPC", async () => {
    const err = await d.client.images.checkpoint("bad id!").catch((e: unknown) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
  });
});
