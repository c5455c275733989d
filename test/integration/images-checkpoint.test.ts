import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { ContainerdError, InvalidArgumentError, NotFoundError, UnknownError } from "../../src/index.js";
import { rpcDelta } from "../../src/testing/index.js";
import { fifoDirs, uniqueId, useDaemon } from "../fixtures.js";

// CRIU is not installed on these machines (and `criu check` fails where it is), so a checkpoint can
// only be shown as far as containerd takes it: the request arrives, and its error comes back typed.
describe("images: checkpoint", () => {
  const d = useDaemon({ metrics: true });

  test("task.checkpoint() without CRIU reaches Tasks.Checkpoint, rejects typed, and leaves the task running", async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "60"],
    });
    const task = await container.newTask();
    await task.start();
    const before = await d.ctr.rpcCounts();
    const err = await task.checkpoint({ name: "cp-1" }).catch((e: unknown) => e);
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

  /** A checkpoint image as containerd's runtime writes one: an index listing a CRIU tar. */
  async function checkpointImage(name: string, mediaType: string): Promise<void> {
    // Under a lease, so GC cannot take the blobs before the image record references them.
    await d.client.withLease(() => writeCheckpointImage(name, mediaType));
  }

  async function writeCheckpointImage(name: string, mediaType: string): Promise<void> {
    const blob = Buffer.from("not really a CRIU image");
    const blobDigest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
    await d.client.content.write(blob, { expected: blobDigest, size: blob.length });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [{ mediaType, digest: blobDigest, size: blob.length }],
      }),
    );
    const digest = `sha256:${createHash("sha256").update(index).digest("hex")}`;
    await d.client.content.write(index, {
      expected: digest,
      size: index.length,
      labels: { "containerd.io/gc.ref.content.0": blobDigest },
    });
    await d.client.images.create(
      name,
      { mediaType: "application/vnd.oci.image.index.v1+json", digest, size: index.length },
      { labels: { "containerd.io/checkpoint": "true" } },
    );
  }

  test("newTask({ checkpoint }) sends the CRIU descriptor with Tasks.Create; without CRIU it rejects typed and leaves no FIFOs", async () => {
    await checkpointImage("cp-restore", "application/vnd.containerd.container.criu.checkpoint.criu.tar");
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const fifos = (await fifoDirs(d)).length;
    const before = await d.ctr.rpcCounts();
    const err = await container.newTask({ checkpoint: "cp-restore", stdio: "pipe" }).catch((e: unknown) => e);
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    assert.ok(err instanceof ContainerdError && !(err instanceof NotFoundError), String(err));
    assert.equal(delta.get("containerd.services.tasks.v1.Tasks/Create"), 1);
    assert.equal((await fifoDirs(d)).length, fifos);
    await container.delete();
  });

  test("newTask({ checkpoint }) with an image holding no CRIU checkpoint is a NotFoundError before Tasks.Create", async () => {
    await checkpointImage("cp-empty", "application/vnd.oci.image.layer.v1.tar");
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const before = await d.ctr.rpcCounts();
    const err = await container.newTask({ checkpoint: "cp-empty" }).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    assert.equal(delta.get("containerd.services.tasks.v1.Tasks/Create"), undefined);
    await container.delete();
  });
});
