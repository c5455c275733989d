import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  AlreadyExistsError,
  Client,
  InvalidArgumentError,
  isAbortError,
  NotFoundError,
  UnavailableError,
} from "../../src/index.js";
import { type ContainerdInstance, startContainerd } from "../../src/testing/index.js";
import { SPEC_TYPE_URL } from "../../src/typeurl/index.js";
import { readableScript } from "../fixtures.js";

const run = promisify(execFile);

describe("Client against a private containerd", () => {
  let ctr: ContainerdInstance;
  before(async () => {
    ctr = await startContainerd();
  });
  after(async () => {
    await ctr?.stop();
  });

  test("version() returns the server's version", async () => {
    const { stdout } = await run("containerd", ["--version"]);
    const info = await ctr.client.version();
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.ok(stdout.includes(info.version), `${stdout} should mention ${info.version}`);
  });

  test("serving() is true while the daemon runs", async () => {
    assert.equal(await ctr.client.serving(), true);
  });

  test("connect accepts a unix:/// URL as well as a path", async () => {
    await using client = await Client.connect({ address: `unix://${ctr.address}` });
    assert.equal(client.address, ctr.address);
    assert.ok((await client.version()).version);
  });

  test("two namespaces on one client do not see each other's containers", async () => {
    const a = ctr.client.withNamespace("ns-a");
    const b = a.withNamespace("ns-b");
    const spec = { typeUrl: SPEC_TYPE_URL, value: new TextEncoder().encode("{}") };
    await a.raw.containers.create(
      { container: { id: "only-in-a", runtime: { name: "io.containerd.runc.v2" }, spec } },
      { namespace: "ns-a" },
    );
    const inA = await a.raw.containers.list({}, { namespace: a.namespace });
    const inB = await b.raw.containers.list({}, { namespace: b.namespace });
    assert.deepEqual(
      inA.containers.map((c) => c.id),
      ["only-in-a"],
    );
    assert.deepEqual(inB.containers, []);
    await a.raw.containers.delete({ id: "only-in-a" }, { namespace: "ns-a" });
  });

  test("namespaces: create, setLabels updates only the given keys, delete", async () => {
    const { namespaces } = ctr.client;
    await namespaces.create("labelled", { labels: { team: "a", tier: "web" } });
    await assert.rejects(namespaces.create("labelled"), AlreadyExistsError);
    assert.deepEqual(await namespaces.setLabels("labelled", { tier: "db" }), { team: "a", tier: "db" });
    assert.deepEqual((await namespaces.get("labelled")).labels, { team: "a", tier: "db" });
    assert.ok((await namespaces.list()).some((ns) => ns.name === "labelled"));
    await namespaces.delete("labelled");
    await assert.rejects(namespaces.get("labelled"), NotFoundError);
  });

  test("namespaces.create takes labels in its options; labels passed bare are an unknown option", async () => {
    const { namespaces } = ctr.client;
    await assert.rejects(namespaces.create("bare", { team: "a" } as never), {
      name: "InvalidArgumentError",
      field: "options.team",
    });
    await assert.rejects(namespaces.get("bare"), NotFoundError);
  });

  test("a server's NOT_FOUND is a NotFoundError with statusCode 404 and the server's text", async () => {
    const { client } = ctr;
    const err = await client.raw.containers
      .get({ id: "missing" }, { namespace: client.namespace })
      .catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.equal(err.statusCode(), 404);
    assert.equal(err.message, `container "missing" in namespace "${client.namespace}"`);
  });

  test("introspection lists the runc runtime plugin", async () => {
    const plugins = await ctr.client.introspection.plugins({ filters: ["type==io.containerd.runtime.v2"] });
    assert.ok(plugins.some((p) => p.id === "task"));
  });

  test("an aborted signal rejects with an AbortError, unwrapped", async () => {
    const err = await ctr.client.version({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    assert.ok(isAbortError(err), String(err));
  });

  test("an invalid namespace is an InvalidArgumentError naming the field", () => {
    assert.throws(
      () => ctr.client.withNamespace("a/b"),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "namespace",
    );
  });

  test("connect to a socket without permission: PermissionDeniedError naming the address", async () => {
    // Root passes every permission check, so the client runs as nobody; the daemon's dir is 0700.
    const script = await readableScript(`
      import { Client } from "containerd-sdk";
      const err = await Client.connect({ address: process.argv[2], timeout: 5000 }).catch((e) => e);
      console.log(JSON.stringify({ name: err.name, status: err.statusCode?.(), message: err.message }));
    `);
    try {
      const { stdout } = await run(process.execPath, [script.path, ctr.address], {
        uid: 65534,
        gid: 65534,
        cwd: "/",
        timeout: 20_000,
        env: { ...process.env, HOME: "/tmp" },
      });
      const result = JSON.parse(stdout) as { name: string; status: number; message: string };
      assert.equal(result.name, "PermissionDeniedError", result.message);
      assert.equal(result.status, 403);
      assert.ok(result.message.includes(ctr.address), result.message);
    } finally {
      await script.remove();
    }
  });

  test("close() leaves nothing open: the Node process exits by itself", async () => {
    const rootfs = await ctr.rootfs();
    const script = `
      import { Client } from "containerd-sdk";
      const [address, fifoDir, rootfs] = process.argv.slice(1);
      const client = await Client.connect({ address, fifoDir });
      await client.version();
      const { stdout } = await client.run({ rootfs, args: ["/bin/echo", "ran"] });
      if (stdout !== "ran\\n") throw new Error("unexpected output " + stdout);
      const c = await client.containers.create("left-running", { rootfs, args: ["/bin/sleep", "60"] });
      const task = await c.newTask({ stdio: "pipe" });
      await task.start();
      const waiting = task.wait().catch((err) => err.name);
      await client.close();
      await client.close();
      if ((await waiting) !== "UnavailableError") throw new Error("wait() should reject after close()");
    `;
    await run(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        script,
        ctr.address,
        ctr.fifoDir,
        rootfs,
      ],
      { timeout: 20_000 },
    );
  });
});

describe("Client without a daemon", () => {
  test("connect to a socket that does not exist: UnavailableError naming the address, within the timeout", async () => {
    const dir = await mkdtemp(join(tmpdir(), "containerd-sdk-nosock-"));
    const address = join(dir, "missing.sock");
    const started = Date.now();
    try {
      const err = await Client.connect({ address, timeout: 2_000 }).catch((e: unknown) => e);
      assert.ok(err instanceof UnavailableError, String(err));
      assert.equal(err.statusCode(), 503);
      assert.ok(err.message.includes(address), err.message);
      assert.ok(Date.now() - started < 2_000 + 1_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a relative address is an InvalidArgumentError naming address", async () => {
    await assert.rejects(
      Client.connect({ address: "containerd.sock" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "address",
    );
  });
});
