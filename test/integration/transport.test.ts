import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import {
  Client,
  DeadlineExceededError,
  InvalidArgumentError,
  NotFoundError,
  UnavailableError,
} from "../../src/index.js";
import { whileFrozen } from "../events-fixtures.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("transport: the lean http2 channel (the default) and grpc-js", () => {
  const d = useDaemon();
  let client: Client;
  const connect = () =>
    Client.connect({
      address: d.ctr.address,
      namespace: d.client.namespace,
      fifoDir: d.ctr.fifoDir,
      transport: "http2",
    });

  before(async () => {
    client = await connect();
  });
  after(() => client?.close());

  test("client.run creates, runs, collects and removes a container", async () => {
    const result = await client.run({ rootfs: d.rootfs, args: ["/bin/sh", "-c", "echo out; exit 3"] });
    assert.deepEqual([result.exitCode, result.stdout], [3, "out\n"]);
  });

  test("a task's exit reaches wait() through the event stream", async () => {
    await using container = await client.containers.create(uniqueId("h2"), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "sleep 0.2; exit 5"],
    });
    await using task = await container.newTask();
    await task.start();
    assert.equal((await task.wait()).exitCode, 5);
  });

  test("a missing container is a NotFoundError, from the daemon's status", async () => {
    await assert.rejects(client.containers.load(uniqueId("absent")), NotFoundError);
  });

  test("a 3 MiB blob goes up one client stream and comes back down a server stream", async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const expected = `sha256:${createHash("sha256").update(data).digest("hex")}`;
    await client.withLease(async () => {
      const { digest } = await client.content.write(data, { expected });
      assert.equal(digest, expected);
      assert.ok(data.equals(await client.content.readAll(digest)));
      // Inside the lease: once it goes, the unreferenced blob is containerd's GC's to take at any time.
      await client.content.delete(expected);
    });
  });

  test("a call to a frozen daemon rejects with DeadlineExceededError at its timeout", async () => {
    await whileFrozen(d.ctr.pid as number, () =>
      assert.rejects(client.containers.list({ timeout: 300 }), DeadlineExceededError),
    );
  });

  test('transport: "grpc-js" still runs a container and reports a missing one as NotFoundError', async () => {
    await using other = await Client.connect({
      address: d.ctr.address,
      namespace: d.client.namespace,
      fifoDir: d.ctr.fifoDir,
      transport: "grpc-js",
    });
    const result = await other.run({ rootfs: d.rootfs, args: ["/bin/sh", "-c", "echo grpc-js"] });
    assert.equal(result.stdout, "grpc-js\n");
    await assert.rejects(other.containers.load(uniqueId("absent")), NotFoundError);
  });

  test("containers.list's timeout bounds its stream on grpc-js too", async () => {
    await using other = await Client.connect({ address: d.ctr.address, transport: "grpc-js" });
    await whileFrozen(d.ctr.pid as number, () =>
      assert.rejects(other.containers.list({ timeout: 300 }), DeadlineExceededError),
    );
  });

  test("after a daemon restart the next call reconnects", async () => {
    const c = await connect();
    try {
      await d.ctr.restart();
      let answered = false;
      for (let i = 0; i < 50 && !answered; i++) {
        answered = await c.version().then(
          () => true,
          () => false,
        );
        if (!answered) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(answered, "a call succeeds within 5 s of the restart");
    } finally {
      await c.close();
    }
  });

  test("close() rejects a call still waiting on a frozen daemon", async () => {
    const c = await connect();
    await whileFrozen(d.ctr.pid as number, async () => {
      const pending = c.containers.list();
      await c.close();
      await assert.rejects(pending);
    });
  });

  test("a socket that does not exist is an UnavailableError naming the address", async () => {
    const address = `${d.ctr.address}.missing`;
    await assert.rejects(
      Client.connect({ address, transport: "http2", timeout: 2_000 }),
      (err: Error) => err instanceof UnavailableError && err.message.includes(address),
    );
  });

  test("an unknown transport is an InvalidArgumentError naming transport, before any RPC", async () => {
    await assert.rejects(
      Client.connect({ address: d.ctr.address, transport: "grpc" as "http2" }),
      (err: Error) => err instanceof InvalidArgumentError && err.field === "transport",
    );
  });
});
