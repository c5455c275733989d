import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("containers", () => {
  const d = useDaemon({ metrics: true });

  test("create, info and spec round-trip: the spec read back equals the one sent", async () => {
    const id = uniqueId();
    const c = await d.client.containers.create(id, { rootfs: d.rootfs, args: ["/bin/true"], env: ["A=1"] });
    const sent = await c.spec();
    const stored = await c.spec({ refresh: true });
    assert.deepEqual(stored, sent);
    assert.deepEqual(stored.process?.args, ["/bin/true"]);
    assert.ok(stored.process?.env?.includes("A=1"));
    const info = await c.info({ refresh: true });
    assert.equal(info.id, id);
    assert.equal(info.runtime.name, "io.containerd.runc.v2");
    assert.ok(info.createdAt.getTime() > 0);
    await c.delete();
  });

  test("setLabels sets the given keys and leaves the others", async () => {
    const c = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      labels: { app: "web", tier: "front" },
    });
    const labels = await c.setLabels({ tier: "back", owner: "me" });
    assert.deepEqual(labels, { app: "web", tier: "back", owner: "me" });
    assert.deepEqual((await c.info({ refresh: true })).labels, labels);
    await c.delete();
  });

  test("list on an empty namespace is empty", async () => {
    const empty = d.client.withNamespace("empty-ns");
    assert.deepEqual(await empty.containers.list(), []);
  });

  test("list with a label filter returns only matches", async () => {
    const ns = d.client.withNamespace("list-ns");
    const a = await ns.containers.create("a", { rootfs: d.rootfs, labels: { role: "db" } });
    const b = await ns.containers.create("b", { rootfs: d.rootfs, labels: { role: "web" } });
    const found = await ns.containers.list({ filters: ['labels."role"==db'] });
    assert.deepEqual(
      found.map((c) => c.id),
      ["a"],
    );
    assert.equal((await ns.containers.list()).length, 2);
    await a.delete();
    await b.delete();
  });

  test("list with a malformed filter rejects with InvalidArgumentError", async () => {
    const err = await d.client.containers.list({ filters: ['labels."role"=='] }).catch((e: unknown) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.statusCode(), 400);
    assert.ok(!err.message.endsWith("invalid argument"), err.message);
  });

  test("create with an existing id rejects with AlreadyExistsError (409)", async () => {
    const id = uniqueId();
    const c = await d.client.containers.create(id, { rootfs: d.rootfs });
    const err = await d.client.containers.create(id, { rootfs: d.rootfs }).catch((e: unknown) => e);
    assert.ok(err instanceof AlreadyExistsError, String(err));
    assert.equal(err.statusCode(), 409);
    await c.delete();
  });

  test("load of a missing id rejects with NotFoundError (404)", async () => {
    const err = await d.client.containers.load("missing").catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.equal(err.statusCode(), 404);
  });

  test("an invalid id is an InvalidArgumentError naming id, before any RPC", async () => {
    const before = await d.ctr.rpcCounts();
    for (const id of ["a/b", "", "x".repeat(77)]) {
      const err = await d.client.containers.create(id, { rootfs: d.rootfs }).catch((e: unknown) => e);
      assert.ok(err instanceof InvalidArgumentError, `${id}: ${err}`);
      assert.equal(err.field, "id");
      await assert.rejects(d.client.containers.load(id), InvalidArgumentError);
    }
    const after = await d.ctr.rpcCounts();
    const creates = "containerd.services.containers.v1.Containers/Create";
    const gets = "containerd.services.containers.v1.Containers/Get";
    assert.equal(after.get(creates) ?? 0, before.get(creates) ?? 0);
    assert.equal(after.get(gets) ?? 0, before.get(gets) ?? 0);
  });

  test("a relative rootfs is an InvalidArgumentError naming rootfs", async () => {
    await assert.rejects(
      d.client.containers.create(uniqueId(), { rootfs: "relative/rootfs" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "rootfs",
    );
  });

  test("delete with a running task rejects with FailedPreconditionError; after the task is gone it works", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/sleep", "60"] });
    const task = await c.newTask();
    await task.start();
    await assert.rejects(c.delete(), FailedPreconditionError);
    await task.delete({ force: true });
    await c.delete();
    await assert.rejects(d.client.containers.load(c.id), NotFoundError);
  });

  test("a loaded container knows it has a task only by asking once", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/sleep", "60"] });
    const task = await c.newTask();
    await task.start();
    const other = d.client.withNamespace(d.client.namespace);
    const loaded = await other.containers.load(c.id);
    await assert.rejects(loaded.delete(), FailedPreconditionError);
    await task.delete({ force: true });
    await loaded.delete();
  });

  test("extensions round-trip their type URL and value", async () => {
    const value = new Uint8Array([1, 2, 3, 250]);
    const c = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      extensions: { "example.com/ext": { typeUrl: "example.com/Ext", value } },
    });
    const loaded = await d.client.containers.load(c.id);
    const ext = (await loaded.info()).extensions["example.com/ext"];
    assert.equal(ext?.typeUrl, "example.com/Ext");
    assert.deepEqual(new Uint8Array(ext?.value ?? []), value);
    await c.delete();
  });

  test("typed runc options are stored and read back", async () => {
    const c = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      runtime: { options: { binaryName: "runc", noNewKeyring: true } },
    });
    const { runtime } = await c.info({ refresh: true });
    assert.equal(runtime.name, "io.containerd.runc.v2");
    assert.equal(runtime.options?.binaryName, "runc");
    assert.equal(runtime.options?.noNewKeyring, true);
    await c.delete();
  });

  test("delete({ force: true }) kills and deletes a running task, then the container", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/sleep", "600"] });
    const task = await c.newTask();
    await task.start();
    await c.delete({ force: true });
    assert.equal((await task.wait()).exitCode, 137);
    await assert.rejects(d.client.containers.load(c.id), NotFoundError);
    await assert.rejects(
      d.client.raw.tasks.get({ containerId: c.id, execId: "" }, { namespace: d.client.namespace }),
      NotFoundError,
    );
    await c.delete({ force: true });
  });

  test("delete({ force: true }) of a loaded container deletes a task that already exited", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await c.newTask();
    await task.start();
    await task.wait();
    const loaded = await d.client.withNamespace(d.client.namespace).containers.load(c.id);
    await loaded.delete({ force: true });
    await assert.rejects(d.client.containers.load(c.id), NotFoundError);
  });

  test("disposing a container removes it with its running task", async () => {
    const id = uniqueId();
    {
      await using c = await d.client.containers.create(id, { rootfs: d.rootfs, args: ["/bin/sleep", "600"] });
      await (await c.newTask()).start();
    }
    await assert.rejects(d.client.containers.load(id), NotFoundError);
  });

  test("a misspelt option is an InvalidArgumentError naming it, before any RPC", async () => {
    await assert.rejects(d.client.containers.create(uniqueId(), { rootfss: d.rootfs } as never), {
      name: "InvalidArgumentError",
      field: "options.rootfss",
      message: /^options\.rootfss: unknown option; did you mean rootfs\?$/,
    });
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs });
    await assert.rejects(c.delete({ forse: true } as never), { field: "options.forse" });
    await assert.rejects(c.info({ refresh: "yes" } as never), { field: "refresh" });
    await c.delete();
  });

  test("an option of the wrong type is an InvalidArgumentError, whatever its toString does", async () => {
    const hostile = {
      toString() {
        throw new Error("caller code ran");
      },
    };
    for (const rootfs of [Symbol("rootfs"), hostile, 5]) {
      await assert.rejects(d.client.containers.create(uniqueId(), { rootfs } as never), {
        name: "InvalidArgumentError",
        field: "rootfs",
      });
    }
    await assert.rejects(
      d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: [hostile] } as never),
      {
        field: "args[0]",
      },
    );
  });

  test("entrypoint comes before args; a spec is the base the options go on", async () => {
    const ran = await d.client.run({
      rootfs: d.rootfs,
      entrypoint: ["/bin/sh", "-c"],
      args: ["echo $0", "x"],
    });
    assert.equal(ran.stdout, "x\n");
    const base = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, hostname: "from-spec" });
    const spec = await base.spec();
    await base.delete();
    const { stdout } = await d.client.run({
      rootfs: d.rootfs,
      spec,
      args: ["/bin/hostname"],
      env: { A: "1" },
    });
    assert.equal(stdout, "from-spec\n");
  });

  test("delete twice is quiet", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs });
    await c.delete();
    await c.delete();
  });
});
