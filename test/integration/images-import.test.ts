import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { DeadlineExceededError } from "../../src/index.js";
import { type BuiltImage, buildBusyboxImage } from "../../src/testing/index.js";
import { ctr, readAll, uniqueId, useDaemon } from "../fixtures.js";

describe("images: import", () => {
  const d = useDaemon();
  let image: BuiltImage;
  let ociTar: string;
  let dockerTar: string;

  before(async () => {
    image = await buildBusyboxImage({
      cmd: ["/bin/cat", "/etc/marker"],
      env: ["PATH=/bin:/usr/bin", "GREETING=hello"],
      workingDir: "/etc",
      files: { "/etc/marker": "from-the-second-layer\n" },
    });
    ociTar = join(d.ctr.dir, "busybox-oci.tar");
    dockerTar = join(d.ctr.dir, "busybox-docker.tar");
    await image.writeOciArchive(ociTar, "acc/busybox:v1");
    await image.writeDockerArchive(dockerTar, "busybox:docker");
  });
  after(() => image?.remove());

  test("an OCI layout tar imports under its ref name, and the image runs", async () => {
    const [img] = await d.client.images.import(ociTar);
    assert.equal(img?.name, "acc/busybox:v1");
    const listed = await d.client.images.list({ filters: ["name==acc/busybox:v1"] });
    assert.deepEqual(
      listed.map((i) => i.name),
      ["acc/busybox:v1"],
    );
    const result = await d.client.run({ image: "acc/busybox:v1" });
    assert.equal(result.stdout, "from-the-second-layer\n");
    assert.equal(result.exitCode, 0);
  });

  test("a docker-save tar imports under its normalised RepoTag, from a stream", async () => {
    const [img] = await d.client.images.import(createReadStream(dockerTar));
    assert.equal(img?.name, "docker.io/library/busybox:docker");
    assert.equal(img?.target.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    const result = await d.client.run({
      image: "busybox:docker",
      args: ["/bin/sh", "-c", "pwd; echo $GREETING"],
    });
    assert.equal(result.stdout, "/etc\nhello\n");
  });

  test("the imported image is unpacked into chain-ID snapshots that ctr sees", async () => {
    const img = await d.client.images.get("acc/busybox:v1");
    await img.unpack();
    assert.equal(await img.isUnpacked(), true);
    const top = await img.chainId();
    const { stdout } = await ctr(d, "snapshots", "ls");
    assert.match(stdout, new RegExp(top.replace("sha256:", "")));
    const config = await img.config();
    assert.equal(config.rootfs.diff_ids.length, 2);
    assert.ok((await img.size()) > 500_000);
  });

  test("containers.create from an image records it and delete removes its snapshot", async () => {
    const id = uniqueId();
    const c = await d.client.containers.create(id, { image: "acc/busybox:v1" });
    const info = await c.info();
    assert.equal(info.image, "acc/busybox:v1");
    assert.equal(info.snapshotter, "overlayfs");
    assert.equal(info.snapshotKey, id);
    const spec = await c.spec();
    assert.deepEqual(spec.process?.args, ["/bin/cat", "/etc/marker"]);
    assert.equal(spec.process?.cwd, "/etc");
    assert.ok(spec.process?.env?.includes("GREETING=hello"));
    await d.client.snapshots().stat(id);
    await c.delete({ snapshot: true });
    await assert.rejects(d.client.snapshots().stat(id), { name: "NotFoundError" });
  });

  test("a loaded container made from an image starts its task on the snapshot's mounts", async () => {
    const id = uniqueId();
    await d.client.containers.create(id, { image: "acc/busybox:v1" });
    const c = await d.client.containers.load(id);
    const task = await c.newTask({ stdio: "pipe" });
    const output = readAll(task.stdout);
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    assert.equal(await output, "from-the-second-layer\n");
    await task.delete();
    await c.delete();
  });

  test("explicit options override the image config", async () => {
    const result = await d.client.run({
      image: "acc/busybox:v1",
      args: ["/bin/sh", "-c", "pwd; echo $GREETING"],
      env: ["GREETING=override"],
      cwd: "/tmp",
    });
    assert.equal(result.stdout, "/tmp\noverride\n");
  });
  test("an import whose stream stalls mid-tar fails at its timeout and leaves no lease, ingest or image", async () => {
    const tar = await readFile(ociTar);
    const stalled = new PassThrough();
    stalled.write(tar.subarray(0, tar.length >> 1)); // half the tar, then nothing more
    const ns = d.client.withNamespace("import-stalled");
    const err = await ns.images.import(stalled, { timeout: 1000 }).catch((e: unknown) => e);
    assert.ok(err instanceof DeadlineExceededError, String(err));
    assert.match(err.message, /import of import stream did not finish within 1000 ms/);
    assert.deepEqual(await ns.leases.list(), []);
    assert.deepEqual(await ns.images.list(), []);
    assert.deepEqual(await ns.content.ingests(), []);
  });

  test("an export to a destination that never drains fails at its timeout and destroys it", async () => {
    const stuck = new Writable({ highWaterMark: 1024, write() {} }); // never calls back
    const err = await d.client.images
      .export("acc/busybox:v1", stuck, { timeout: 500 })
      .catch((e: unknown) => e);
    assert.ok(err instanceof DeadlineExceededError, String(err));
    assert.match(err.message, /export of acc\/busybox:v1 did not finish within 500 ms/);
    assert.equal(stuck.destroyed, true);
  });
  test("unpack({ timeout: 0 }) fails with DeadlineExceededError and leaves no lease", async () => {
    const img = await d.client.images.get("acc/busybox:v1");
    await assert.rejects(img.unpack({ timeout: 0 }), DeadlineExceededError);
    assert.deepEqual(await d.client.leases.list(), []);
  });
});
