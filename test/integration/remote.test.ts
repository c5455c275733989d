import assert from "node:assert/strict";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  Client,
  type ContainerdEvent,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  UnauthenticatedError,
  UnavailableError,
} from "../../src/index.js";
import { createTestCertificates, rpcDelta, type TestCertificates } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

/** Settles `promise` and returns its rejection, failing if it resolves; also how long it took. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe("a remote client over mutual TLS", () => {
  const d = useDaemon({ tls: true, metrics: true });
  let remote: Client;
  let rogue: TestCertificates;
  before(async () => {
    const { tcpAddress, tls } = d.ctr;
    assert.ok(tcpAddress && tls);
    remote = await Client.connect({ address: tcpAddress, tls, namespace: d.client.namespace });
    rogue = await createTestCertificates(join(d.ctr.dir, "rogue"));
  });
  after(async () => {
    await remote?.close();
  });

  test("address is tcp://host:port and version() answers over TLS", async () => {
    assert.equal(remote.address, d.ctr.tcpAddress);
    assert.deepEqual(await remote.version(), await d.client.version());
  });

  test("a container runs to its exit code with logPath, over TLS", async () => {
    const logPath = join(d.ctr.dir, `${uniqueId("log")}.log`);
    const container = await remote.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "echo over-tls; exit 5"],
    });
    const task = await container.newTask({ logPath });
    await task.start();
    assert.equal((await task.wait()).exitCode, 5);
    assert.equal((await task.delete()).exitCode, 5);
    await container.delete();
    assert.equal(await readFile(logPath, "utf8"), "over-tls\n");
  });

  test("exec with logPath writes the exec's output and gives its exit code, over TLS", async () => {
    const logPath = join(d.ctr.dir, `${uniqueId("exec")}.log`);
    const container = await remote.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "60"],
    });
    const task = await container.newTask();
    await task.start();
    try {
      const p = await task.exec(uniqueId("e"), {
        args: ["/bin/sh", "-c", "echo from-exec; exit 3"],
        logPath,
      });
      await p.start();
      assert.equal((await p.wait()).exitCode, 3);
      await p.delete();
      assert.equal(await readFile(logPath, "utf8"), "from-exec\n");
    } finally {
      await task.delete({ force: true });
      await container.delete();
    }
  });

  test("events.subscribe over TLS sees a container's /tasks/exit", async () => {
    const controller = new AbortController();
    const ids = new Set<string>();
    let exit: ContainerdEvent | undefined;
    const watching = (async () => {
      for await (const ev of remote.events.subscribe({
        filters: ['topic=="/tasks/exit"'],
        signal: controller.signal,
      })) {
        if (ids.has(String((ev.event as { containerId?: string }).containerId))) {
          exit = ev;
          return;
        }
      }
    })();
    // No acknowledgement that a subscription is live: run containers until one's exit arrives.
    for (let i = 0; i < 50 && !exit; i++) {
      const id = uniqueId("ev");
      ids.add(id);
      const container = await remote.containers.create(id, { rootfs: d.rootfs, args: ["/bin/true"] });
      const task = await container.newTask();
      await task.start();
      await task.wait();
      await task.delete();
      await container.delete();
    }
    controller.abort();
    await watching.catch(() => undefined);
    assert.ok(exit, "no /tasks/exit seen");
    assert.equal(exit.namespace, d.client.namespace);
  });

  test("errors over TLS are typed: loading a missing container is a NotFoundError", async () => {
    await assert.rejects(remote.containers.load(uniqueId("missing")), NotFoundError);
  });

  test('stdio "pipe" on a remote client is an InvalidArgumentError naming stdio, before any RPC', async () => {
    const container = await remote.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const before = await d.ctr.rpcCounts();
    await assert.rejects(container.newTask({ stdio: "pipe" }), (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "stdio");
      assert.match(err.message, /FIFOs on containerd's host.*over TCP.*logPath/);
      return true;
    });
    const calls = rpcDelta(before, await d.ctr.rpcCounts());
    assert.deepEqual(
      [...calls.keys()].filter((m) => m.includes("Tasks")),
      [],
    );
    await container.delete();
  });

  test("exec with piped stdio on a remote client is refused before any RPC", async () => {
    const container = await remote.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "60"],
    });
    const task = await container.newTask();
    await task.start();
    try {
      const before = await d.ctr.rpcCounts();
      await assert.rejects(
        task.exec(uniqueId("e"), { args: ["/bin/true"], stdio: "inherit" }),
        InvalidArgumentError,
      );
      const calls = rpcDelta(before, await d.ctr.rpcCounts());
      assert.equal(calls.get("containerd.services.tasks.v1.Tasks/Exec") ?? 0, 0);
    } finally {
      await task.delete({ force: true });
      await container.delete();
    }
  });

  test("attaching to a task's FIFOs on a remote client is refused before any RPC", async () => {
    const container = await remote.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const before = await d.ctr.rpcCounts();
    await assert.rejects(container.task({ attach: true }), (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "attach");
      return true;
    });
    const calls = rpcDelta(before, await d.ctr.rpcCounts());
    assert.equal(calls.get("containerd.services.tasks.v1.Tasks/Get") ?? 0, 0);
    await container.delete();
  });

  test('a network other than "none" on a remote client is an InvalidArgumentError naming network, before any RPC', async () => {
    const id = uniqueId();
    const before = await d.ctr.rpcCounts();
    for (const network of ["bridge", "host", { name: "appnet", ports: [{ containerPort: 80 }] }]) {
      await assert.rejects(remote.containers.create(id, { rootfs: d.rootfs, network }), (err: Error) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.equal(err.field, "network");
        assert.match(err.message, /CNI on the daemon's host.*over TCP/);
        return true;
      });
    }
    const calls = rpcDelta(before, await d.ctr.rpcCounts());
    assert.equal(calls.get("containerd.services.containers.v1.Containers/Create") ?? 0, 0);
  });

  test("a client certificate from another CA is refused with a typed error within seconds", async () => {
    const { tcpAddress, tls } = d.ctr;
    const { error, ms } = await rejection(
      Client.connect({
        address: tcpAddress,
        tls: { ca: tls?.ca, cert: rogue.clientCert, key: rogue.clientKey, serverName: "localhost" },
        timeout: 5000,
      }),
    );
    assert.ok(error instanceof UnavailableError || error instanceof UnauthenticatedError, String(error));
    assert.match((error as Error).message, new RegExp(`${tcpAddress}`));
    assert.ok(ms < 5000, `${ms} ms`);
  });

  test("a server certificate the client's CA did not sign is an UnauthenticatedError within seconds", async () => {
    const { tcpAddress, tls } = d.ctr;
    const { error, ms } = await rejection(
      Client.connect({
        address: tcpAddress,
        tls: { ca: rogue.ca, cert: tls?.cert, key: tls?.key, serverName: "localhost" },
        timeout: 5000,
      }),
    );
    assert.ok(error instanceof UnauthenticatedError, String(error));
    assert.match((error as Error).message, /certificate/);
    assert.ok(ms < 5000, `${ms} ms`);
  });

  test("containerd's own tcp_address serves only CRI: connecting is a NotImplementedError that says so", async () => {
    const { daemonTcpAddress, tls } = d.ctr;
    const { error } = await rejection(Client.connect({ address: daemonTcpAddress, tls, timeout: 5000 }));
    assert.ok(error instanceof NotImplementedError, String(error));
    assert.match((error as Error).message, /serves only CRI.*serveOverTls/);
  });

  test("tls with a unix socket address is an InvalidArgumentError naming tls", async () => {
    await assert.rejects(Client.connect({ address: d.ctr.address, tls: d.ctr.tls }), (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "tls");
      return true;
    });
  });

  test("a TLS file that cannot be read is an InvalidArgumentError naming the field", async () => {
    const missing = join(d.ctr.dir, "no-such.pem");
    await assert.rejects(access(missing));
    await assert.rejects(
      Client.connect({ address: d.ctr.tcpAddress, tls: { ca: missing } }),
      (err: Error) => err instanceof InvalidArgumentError && err.field === "tls.ca",
    );
  });
});
