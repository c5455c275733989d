/**
 * A port of TestDefaultRuntimeWithNamespaceLabels from containerd's integration/client/client_test.go
 * to this SDK, plus the snapshotter label the Go client reads the same way (client.go,
 * resolveSnapshotterName). Upstream checks `client.Runtime()` of a new client; this SDK has no such
 * getter, so the port checks the runtime stored with a container that names none. The SDK reads the
 * labels once per namespace per connection (at the first create that needs them), not at connect.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import type { HandleContext } from "../../src/containers/handle-context.js";
import { resolveSnapshotter } from "../../src/containers/namespace-defaults.js";
import { Client, DEFAULT_RUNTIME_LABEL, DEFAULT_SNAPSHOTTER_LABEL, NotFoundError } from "../../src/index.js";
import { rpcDelta } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const run = promisify(execFile);
const NAMESPACE_GET = "containerd.services.namespaces.v1.Namespaces/Get";

describe("upstream client_test.go: namespace defaults", () => {
  const d = useDaemon({ metrics: true });

  /** A fresh namespace with `labels` (the daemon, and so the namespace, lives only for this file). */
  async function namespaceWith(labels: Record<string, string>): Promise<string> {
    const name = uniqueId("ns");
    await d.client.namespaces.create(name, { labels });
    return name;
  }

  /**
   * A connection of its own per namespace, so each test's event stream watches one namespace. Its
   * event stream is made live here (load waits for it): closing a client whose stream is still
   * opening leaves the stream's sync-marker timer running (reported to the event hub's owner).
   */
  async function connect(namespace: string): Promise<Client> {
    const client = await Client.connect({ address: d.ctr.address, namespace, fifoDir: d.ctr.fifoDir });
    await client.containers.load("no-such-container").catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
    return client;
  }

  test("TestDefaultRuntimeWithNamespaceLabels: a new client takes the runtime from the namespace label", async () => {
    const ns = await namespaceWith({});
    const testRuntime = "testRuntime";
    await d.client.namespaces.setLabels(ns, { [DEFAULT_RUNTIME_LABEL]: testRuntime });
    await using testClient = await connect(ns);
    const c = await testClient.containers.create(uniqueId(), { rootfs: d.rootfs });
    assert.equal(
      (await c.info()).runtime.name,
      testRuntime,
      "failed to set default runtime from namespace labels",
    );
    await c.delete();
  });

  test("the labelled runtime runs the namespace's tasks", async () => {
    // An absolute shim path is a runtime name containerd accepts; a task proves it is used.
    const { stdout: shim } = await run("sh", ["-c", "command -v containerd-shim-runc-v2"]);
    const ns = await namespaceWith({ [DEFAULT_RUNTIME_LABEL]: shim.trim() });
    await using client = await connect(ns);
    const result = await client.run({ rootfs: d.rootfs, args: ["/bin/sh", "-c", "echo ran"] });
    assert.deepEqual([result.exitCode, result.stdout], [0, "ran\n"]);
  });

  test("a runtime named by the caller wins over the label, and the label is not read", async () => {
    const ns = await namespaceWith({ [DEFAULT_RUNTIME_LABEL]: "testRuntime" });
    await using client = await connect(ns);
    const before = await d.ctr.rpcCounts();
    const c = await client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      runtime: { name: "io.containerd.runc.v2" },
    });
    assert.equal((await c.info()).runtime.name, "io.containerd.runc.v2");
    assert.equal(rpcDelta(before, await d.ctr.rpcCounts()).get(NAMESPACE_GET), undefined);
    await c.delete();
  });

  test("without a label the default stays io.containerd.runc.v2", async () => {
    const ns = await namespaceWith({});
    await using client = await connect(ns);
    const c = await client.containers.create(uniqueId(), { rootfs: d.rootfs });
    assert.equal((await c.info()).runtime.name, "io.containerd.runc.v2");
    await c.delete();
  });

  test("the labels are read once per namespace, shared by every view of the connection", async () => {
    const ns = await namespaceWith({ [DEFAULT_RUNTIME_LABEL]: "testRuntime" });
    await using connection = await connect(ns);
    const before = await d.ctr.rpcCounts();
    for (const client of [connection, connection.withNamespace(ns)]) {
      for (let i = 0; i < 2; i++) {
        const c = await client.containers.create(uniqueId(), { rootfs: d.rootfs });
        assert.equal((await c.info()).runtime.name, "testRuntime");
        await c.delete();
      }
    }
    assert.equal(rpcDelta(before, await d.ctr.rpcCounts()).get(NAMESPACE_GET), 1);
  });

  test("the snapshotter label names the namespace's default snapshotter; overlayfs without one", async () => {
    const labelled = await namespaceWith({ [DEFAULT_SNAPSHOTTER_LABEL]: "native" });
    const plain = await namespaceWith({});
    const ctx = (namespace: string) => ({ services: d.client.raw, namespace }) as HandleContext;
    assert.equal(await resolveSnapshotter(ctx(labelled), undefined), "native");
    assert.equal(await resolveSnapshotter(ctx(labelled), "overlayfs"), "overlayfs");
    assert.equal(await resolveSnapshotter(ctx(plain), undefined), "overlayfs");
  });
});
