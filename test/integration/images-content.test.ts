import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from "../../src/index.js";
import { readAll, useDaemon } from "../fixtures.js";

const sha = (data: string | Buffer) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

describe("images: content, leases, snapshots", () => {
  const d = useDaemon();

  test("a blob written inside withLease is readable, listed and labelled", async () => {
    const data = "hello content store\n";
    await d.client.withLease(async () => {
      const { digest, size } = await d.client.content.write(data, {
        expected: sha(data),
        labels: { a: "1" },
      });
      assert.equal(digest, sha(data));
      assert.equal(size, data.length);
      const info = await d.client.content.info(digest);
      assert.deepEqual(info.labels, { a: "1" });
      assert.equal(await readAll(d.client.content.read(digest, { offset: 6 })), "content store\n");
      const listed = await d.client.content.list({ filters: [`digest==${digest}`] });
      assert.equal(listed.length, 1);
      const after = await d.client.content.setLabels(digest, { b: "2", a: "" });
      assert.deepEqual(after, { b: "2" });
      await d.client.content.setLabels(digest, { "containerd.io/gc.root": "keep" });
    });
    await d.client.content.delete(sha(data));
    await assert.rejects(d.client.content.info(sha(data)), NotFoundError);
  });

  test("a write with the wrong expected digest rejects with FailedPreconditionError and can be aborted", async () => {
    await d.client.withLease(async () => {
      const err = await d.client.content
        .write("abc", { ref: "bad-digest", expected: sha("xyz") })
        .catch((e: unknown) => e);
      assert.ok(err instanceof FailedPreconditionError, String(err));
      const ingests = await d.client.content.ingests({ filters: ["ref==bad-digest"] });
      assert.equal(ingests[0]?.offset, 3);
      await d.client.content.abort("bad-digest");
    });
  });

  test("an interrupted write resumes from the ingest's offset", async () => {
    const data = Buffer.alloc(3 << 20, 7);
    await d.client.withLease(async () => {
      const first = d.client.content.write(
        (async function* () {
          yield data.subarray(0, 2 << 20);
          throw new Error("source broke");
        })(),
        { ref: "resume-me" },
      );
      await assert.rejects(first, /source broke/);
      const [ingest] = await d.client.content.ingests({ filters: ["ref==resume-me"] });
      assert.equal(ingest?.offset, 2 << 20);
      const { digest } = await d.client.content.write(data, {
        ref: "resume-me",
        expected: sha(data),
        size: data.length,
      });
      assert.equal((await d.client.content.info(digest)).size, data.length);
    });
  });

  test("withLease protects what it writes; deleting its lease with sync collects it", async () => {
    const data = `leased ${Date.now()}`;
    const id = await d.client.withLease(
      async (lease) => {
        await d.client.content.write(data);
        assert.deepEqual(await d.client.leases.resources(lease), [{ id: sha(data), type: "content" }]);
        return lease;
      },
      { sync: true },
    );
    assert.ok(!(await d.client.leases.list()).some((l) => l.id === id));
    await assert.rejects(d.client.content.info(sha(data)), NotFoundError);
  });

  test("leases.run puts calls under an existing lease, which keeps them until it is deleted", async () => {
    const data = `kept ${Date.now()}`;
    const lease = await d.client.leases.create({ labels: { purpose: "test" } });
    await d.client.leases.run(lease.id, () => d.client.content.write(data));
    assert.ok((await d.client.leases.list()).some((l) => l.id === lease.id && l.labels.purpose === "test"));
    assert.equal((await d.client.content.info(sha(data))).size, data.length);
    await d.client.leases.delete(lease.id, { sync: true });
    await assert.rejects(d.client.content.info(sha(data)), NotFoundError);
  });

  test("snapshots: prepare, write through a layer, commit, view, usage, remove", async () => {
    const sn = d.client.snapshots();
    await d.client.withLease(async () => {
      const mounts = await sn.prepare("work", "", { labels: { x: "y" } });
      assert.equal(mounts[0]?.type, "bind");
      assert.equal((await sn.stat("work")).kind, "active");
      await sn.commit("base", "work");
      const base = await sn.stat("base");
      assert.equal(base.kind, "committed");
      const view = await sn.view("look", "base");
      assert.ok(view.length > 0);
      assert.equal((await sn.stat("look")).parent, "base");
      assert.ok((await sn.list({ filters: ["parent==base"] })).some((s) => s.name === "look"));
      assert.equal(typeof (await sn.usage("base")).size, "number");
      await assert.rejects(sn.remove("base"), FailedPreconditionError);
      await sn.remove("look");
      await sn.remove("base");
    });
    await assert.rejects(sn.stat("base"), NotFoundError);
  });

  test("prepare on an existing key rejects with AlreadyExistsError", async () => {
    const sn = d.client.snapshots();
    await d.client.withLease(async () => {
      await sn.prepare("dup");
      await assert.rejects(sn.prepare("dup"), AlreadyExistsError);
      await sn.remove("dup");
    });
  });
});
