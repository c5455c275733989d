import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ContainerdEvent, encodeAny, InvalidArgumentError } from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("events", () => {
  const d = useDaemon();

  test('subscribe with topic~="/tasks/" sees create, start, exit, delete for one container, in order', async () => {
    const controller = new AbortController();
    const id = uniqueId();
    const seen: ContainerdEvent[] = [];
    const done = (async () => {
      for await (const ev of d.client.events.subscribe({
        filters: [`topic~="/tasks/",event.container_id==${id}`],
        signal: controller.signal,
      })) {
        seen.push(ev);
        if (ev.topic === "/tasks/delete") break;
      }
    })();
    // Subscribe has no acknowledgement; give the server a moment to register the stream.
    await new Promise((r) => setTimeout(r, 200));
    const c = await d.client.containers.create(id, { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await c.newTask();
    await task.start();
    await task.wait();
    await task.delete();
    await done;
    await c.delete();
    assert.deepEqual(
      seen.map((e) => e.topic),
      ["/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"],
    );
    assert.ok(seen.every((e) => e.namespace === d.client.namespace));
    const exit = seen[2]?.event as { containerId: string; exitStatus: number };
    assert.equal(exit.containerId, id);
    assert.equal(exit.exitStatus, 0);
  });

  test("events of another namespace are not seen by a namespace's subscription", async () => {
    const controller = new AbortController();
    const other = d.client.withNamespace("other-ns");
    const seen: string[] = [];
    const done = (async () => {
      try {
        for await (const ev of d.client.events.subscribe({ signal: controller.signal }))
          seen.push(ev.namespace);
      } catch {
        // aborted
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const c = await other.containers.create(uniqueId(), { rootfs: d.rootfs });
    await c.delete();
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await done;
    assert.deepEqual(seen, []);
  });

  test("subscribe with a malformed filter rejects with InvalidArgumentError naming filters", async () => {
    const err = await (async () => {
      for await (const _ of d.client.events.subscribe({ filters: ["=="] })) return;
    })().catch((e: unknown) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.field, "filters");
  });

  test("exactly one exit per process reaches its handle, even when containerd repeats it", async () => {
    const c = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "exit 5"],
    });
    const task = await c.newTask();
    const exits: number[] = [];
    task.on("exit", (s) => exits.push(s.exitCode));
    await task.start();
    const first = await task.wait();
    // What a daemon restart or a shim crash can do: the same exit published again (here with a
    // different status, to tell them apart).
    const repeat = encodeAny("containerd.events.TaskExit", {
      containerId: c.id,
      id: c.id,
      pid: task.pid,
      exitStatus: 99,
      exitedAt: new Date(),
    });
    await d.client.raw.events.publish(
      { topic: "/tasks/exit", event: repeat },
      { namespace: d.client.namespace },
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(exits, [5]);
    assert.deepEqual(await task.wait(), first);
    assert.equal((await task.delete()).exitCode, 5);
    await c.delete();
  });

  test("100 containers started together: every wait() resolves with the right code over one stream", async () => {
    const n = 100;
    const containers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        d.client.containers.create(uniqueId("many"), {
          rootfs: d.rootfs,
          args: ["/bin/sh", "-c", `exit ${i % 50}`],
        }),
      ),
    );
    const tasks = await Promise.all(containers.map((c) => c.newTask()));
    await Promise.all(tasks.map((t) => t.start()));
    const codes = await Promise.all(tasks.map(async (t) => (await t.wait()).exitCode));
    assert.deepEqual(
      codes,
      Array.from({ length: n }, (_, i) => i % 50),
    );
    await Promise.all(tasks.map((t) => t.delete()));
    await Promise.all(containers.map((c) => c.delete()));
  });

  test("a missing binary errors on create and no exit reaches any handle", async () => {
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/missing/binary"] });
    await assert.rejects(c.newTask());
    const ok = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await ok.newTask();
    const exits: number[] = [];
    task.on("exit", (s) => exits.push(s.exitCode));
    await task.start();
    await task.wait();
    await task.delete();
    assert.deepEqual(exits, [0]);
    await c.delete();
    await ok.delete();
  });
});
