import assert from "node:assert/strict";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { after, before, describe, test } from "node:test";
import * as tar from "tar-stream";
import { InvalidArgumentError, NotFoundError } from "../../src/index.js";
import { type BuiltImage, buildBusyboxImage } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";

describe("images: records, export, GC and bad tars", () => {
  const d = useDaemon();
  let image: BuiltImage;
  let ociTar: string;

  before(async () => {
    image = await buildBusyboxImage({ cmd: ["/bin/echo", "exported"] });
    ociTar = join(d.ctr.dir, "api-oci.tar");
    await image.writeOciArchive(ociTar, "acc/api:v1");
    await d.client.images.import(ociTar);
  });
  after(() => image?.remove());

  test("get, tag and setLabels; list filters by label", async () => {
    const img = await d.client.images.get("acc/api:v1");
    const copy = await d.client.images.tag("acc/api:v1", "acc/api:copy");
    assert.equal(copy.target.digest, img.target.digest);
    assert.deepEqual(await copy.setLabels({ team: "a" }), { team: "a" });
    const found = await d.client.images.list({ filters: ['labels."team"==a'] });
    assert.deepEqual(
      found.map((i) => i.name),
      ["acc/api:copy"],
    );
    await copy.delete();
    await assert.rejects(d.client.images.get("acc/api:copy"), NotFoundError);
  });

  test("disposing an Image deletes its record, quietly when it is already gone", async () => {
    {
      await using copy = await d.client.images.tag("acc/api:v1", "acc/api:disposed");
      assert.equal(copy.name, "acc/api:disposed");
    }
    await assert.rejects(d.client.images.get("acc/api:disposed"), NotFoundError);
    const again = await d.client.images.tag("acc/api:v1", "acc/api:disposed-twice");
    await again.delete();
    await again[Symbol.asyncDispose]();
    assert.ok(await d.client.images.get("acc/api:v1"));
  });

  test("setLabels returns the labels after the update, as every setLabels does", async () => {
    const copy = await d.client.images.tag("acc/api:v1", "acc/api:labels");
    await copy.setLabels({ a: "1", b: "2" });
    assert.deepEqual(await copy.setLabels({ a: "" }), { b: "2" });
    await assert.rejects(copy.setLabels({ c: "3" }, { timout: 5 } as never), {
      name: "InvalidArgumentError",
      message: /options\.timout: unknown option; did you mean timeout\?/,
    });
    await copy.delete();
  });

  test("export writes an OCI layout tar that imports into another namespace and runs there", async () => {
    const file = join(d.ctr.dir, "exported.tar");
    await d.client.images.export("acc/api:v1", createWriteStream(file));
    const names: string[] = [];
    const extract = tar.extract();
    extract.on("entry", (header, stream, next) => {
      names.push(header.name);
      stream.resume();
      stream.on("end", next);
    });
    await pipeline(createReadStream(file), extract);
    assert.ok(
      names.includes("oci-layout") && names.includes("index.json") && names.includes("manifest.json"),
    );
    const index = JSON.parse(
      await new Promise<string>((resolve) => {
        const x = tar.extract();
        x.on("entry", (h, s, next) => {
          if (h.name !== "index.json") {
            s.resume();
            s.on("end", next);
            return;
          }
          let text = "";
          s.on("data", (c: unknown) => {
            text += String(c);
          });
          s.on("end", () => {
            resolve(text);
            next();
          });
        });
        createReadStream(file).pipe(x);
      }),
    );
    assert.equal(index.manifests[0].annotations["io.containerd.image.name"], "acc/api:v1");
    const other = d.client.withNamespace("reimport");
    const [img] = await other.images.import(file);
    assert.equal(img?.name, "acc/api:v1");
    const result = await other.run({ image: "acc/api:v1" });
    assert.equal(result.stdout, "exported\n");
  });

  test("deleting an image with sync collects its content once no lease holds it", async () => {
    const ns = d.client.withNamespace("gc");
    const [img] = await ns.images.import(ociTar);
    assert.ok(img);
    const { manifest } = await img.manifest();
    const layer = manifest.layers[0]?.digest as string;
    assert.equal((await ns.content.info(layer)).digest, layer);
    await ns.images.delete(img.name, { sync: true });
    await assert.rejects(ns.content.info(layer), NotFoundError);
    await assert.rejects(ns.content.info(img.target.digest), NotFoundError);
  });

  test("a truncated tar rejects with InvalidArgumentError and leaves no image, lease or ingest", async () => {
    const file = join(d.ctr.dir, "truncated.tar");
    await writeFile(file, await readFile(ociTar));
    await truncate(file, 700_000);
    const ns = d.client.withNamespace("truncated");
    const err = await ns.images.import(file).catch((e: unknown) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.match(err.message, /truncated\.tar/);
    assert.deepEqual(await ns.images.list(), []);
    assert.deepEqual(await ns.leases.list(), []);
    assert.deepEqual(await ns.content.ingests(), []);
  });

  test("a tar that is no image rejects with InvalidArgumentError naming the format", async () => {
    const file = join(d.ctr.dir, "plain.tar");
    const pack = tar.pack();
    pack.entry({ name: "hello.txt" }, "hi");
    pack.finalize();
    await pipeline(pack, createWriteStream(file));
    const err = await d.client
      .withNamespace("plain")
      .images.import(file)
      .catch((e: unknown) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.match(err.message, /unrecognized image format/);
  });

  test("an image's numeric User becomes the process's uid and gid", async () => {
    await using built = await buildBusyboxImage({ user: "1000:1001" });
    const file = join(d.ctr.dir, "user-numeric.tar");
    await built.writeOciArchive(file, "acc/user:numeric");
    await d.client.images.import(file);
    const c = await d.client.containers.create("user-numeric", { image: "acc/user:numeric" });
    const spec = await c.spec();
    assert.equal(spec.process?.user.uid, 1000);
    assert.equal(spec.process?.user.gid, 1001);
    await c.delete();
  });

  test("an image's User name resolves through the image's own /etc/passwd and /etc/group", async () => {
    await using built = await buildBusyboxImage({
      user: "app",
      files: {
        "etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n",
        "etc/group": "root:x:0:\nstaff:x:2345:\n",
      },
    });
    const file = join(d.ctr.dir, "user-name.tar");
    await built.writeOciArchive(file, "acc/user:name");
    await d.client.images.import(file);
    const c = await d.client.containers.create("user-name", { image: "acc/user:name" });
    const user = (await c.spec()).process?.user;
    assert.equal(user?.uid, 1234);
    assert.equal(user?.gid, 2345);
    await c.delete();
    const ok = await d.client.containers.create("user-override", { image: "acc/user:name", user: 65534 });
    assert.equal((await ok.spec()).process?.user.uid, 65534);
    await ok.delete();
  });

  test("an image's User missing from its /etc/passwd is a NotFoundError naming it, leaving no snapshot", async () => {
    await using built = await buildBusyboxImage({ user: "ghost" });
    const file = join(d.ctr.dir, "user-ghost.tar");
    await built.writeOciArchive(file, "acc/user:ghost");
    await d.client.images.import(file);
    const err = await d.client.containers
      .create("user-ghost", { image: "acc/user:ghost" })
      .catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.match(err.message, /ghost/);
    await assert.rejects(d.client.snapshots().stat("user-ghost"), NotFoundError);
  });

  test("a namespace's containerd.io/defaults/snapshotter label picks the snapshotter of a container from an image", async () => {
    await d.client.namespaces.create("native-default", {
      labels: { "containerd.io/defaults/snapshotter": "native" },
    });
    const ns = d.client.withNamespace("native-default");
    await ns.images.import(ociTar);
    const c = await ns.containers.create("from-native", { image: "acc/api:v1" });
    assert.equal((await c.info()).snapshotter, "native");
    const { stdout } = await ns.run({ image: "acc/api:v1" });
    assert.equal(stdout, "exported\n");
    await c.delete();
  });

  test("delete({ force: true }) of a container from an image with a running task leaves no container, task or snapshot", async () => {
    const c = await d.client.containers.create("forced", {
      image: "acc/api:v1",
      args: ["/bin/sleep", "600"],
    });
    const task = await c.newTask();
    await task.start();
    await c.delete({ force: true });
    await assert.rejects(d.client.containers.load("forced"), NotFoundError);
    await assert.rejects(
      d.client.raw.tasks.get({ containerId: "forced", execId: "" }, { namespace: d.client.namespace }),
      NotFoundError,
    );
    await assert.rejects(d.client.snapshots().stat("forced"), NotFoundError);
    assert.equal((await task.wait()).exitCode, 137);
    await c.delete({ force: true });
  });

  test("entrypoint replaces the image's Entrypoint and drops its Cmd; args follow it", async () => {
    const replaced = await d.client.run({ image: "acc/api:v1", entrypoint: ["/bin/echo", "from"] });
    assert.equal(replaced.stdout, "from\n");
    const withArgs = await d.client.run({ image: "acc/api:v1", entrypoint: ["/bin/echo"], args: ["a", "b"] });
    assert.equal(withArgs.stdout, "a b\n");
    const cleared = await d.client.run({ image: "acc/api:v1", entrypoint: [], args: ["/bin/echo", "bare"] });
    assert.equal(cleared.stdout, "bare\n");
  });

  test("a spec given with an image is the base the image's config and the options go on", async () => {
    const base = await d.client.containers.create("spec-base", { rootfs: d.rootfs, hostname: "based" });
    const spec = await base.spec();
    await base.delete();
    const { stdout } = await d.client.run({ image: "acc/api:v1", spec, args: ["/bin/hostname"] });
    assert.equal(stdout, "based\n");
  });

  test("creating a container from a missing image rejects with NotFoundError and leaves no snapshot", async () => {
    const err = await d.client.containers
      .create("no-image", { image: "acc/missing:v1" })
      .catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    await assert.rejects(d.client.snapshots().stat("no-image"), NotFoundError);
  });
});
