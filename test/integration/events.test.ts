import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeAny, filters, InvalidArgumentError } from "../../src/index.js";
import { liveSubscription } from "../events-fixtures.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("events", () => {
  const d = useDaemon();

  test("subscribe with a topic filter sees create, start, exit, delete for one container, in order, typed", async () => {
    const id = uniqueId();
    const sub = await liveSubscription(d.client, {
      filters: [filters.and(filters.topicMatches("^/tasks/"), filters.containerId(id))],
    });
    const c = await d.client.containers.create(id, { rootfs: d.rootfs, args: ["/bin/sh", "-c", "exit 3"] });
    const task = await c.newTask();
    await task.start();
    await task.wait();
    await task.delete();
    await sub.until((evs) => evs.some((e) => e.topic === "/tasks/delete"));
    await sub.close();
    await c.delete();
    assert.deepEqual(
      sub.events.map((e) => e.topic),
      ["/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"],
    );
    assert.ok(sub.events.every((e) => e.namespace === d.client.namespace && e.timestamp instanceof Date));
    const exit = sub.events[2];
    assert.ok(exit?.topic === "/tasks/exit");
    assert.equal(exit.event.containerId, id);
    assert.equal(exit.event.exitStatus, 3);
    assert.equal(exit.event.pid, task.pid);
    assert.ok(exit.event.exitedAt instanceof Date);
  });

  test("container, namespace and snapshot-free events decode to their typed payloads", async () => {
    const sub = await liveSubscription(d.client, { allNamespaces: true });
    const ns = uniqueId("ns");
    await d.client.namespaces.create(ns, { labels: { a: "b" } });
    const c = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, labels: { x: "y" } });
    await c.setLabels({ z: "w" });
    await c.delete();
    await d.client.namespaces.delete(ns);
    await sub.sync();
    await sub.close();
    const topics = sub.events.map((e) => e.topic);
    for (const t of [
      "/namespaces/create",
      "/containers/create",
      "/containers/update",
      "/containers/delete",
      "/namespaces/delete",
    ]) {
      assert.ok(topics.includes(t as never), `${t} in ${topics}`);
    }
    const created = sub.events.find((e) => e.topic === "/containers/create");
    assert.ok(created?.topic === "/containers/create");
    assert.equal(created.event.id, c.id);
    assert.equal(created.event.runtime.name, "io.containerd.runc.v2");
    const nsCreated = sub.events.find((e) => e.topic === "/namespaces/create");
    assert.ok(nsCreated?.topic === "/namespaces/create");
    assert.deepEqual(nsCreated.event, { name: ns, labels: { a: "b" } });
  });

  test("an event of a type the SDK does not know comes as topic unknown with its real topic", async () => {
    const sub = await liveSubscription(d.client, { filters: [filters.topic("/custom/thing")] });
    await d.client.raw.events.publish(
      { topic: "/custom/thing", event: { typeUrl: "example.com/Custom", value: new Uint8Array([1, 2, 3]) } },
      { namespace: d.client.namespace },
    );
    await sub.until((evs) => evs.length > 0);
    await sub.close();
    const ev = sub.events[0];
    assert.ok(ev?.topic === "unknown");
    assert.equal(ev.originalTopic, "/custom/thing");
    assert.equal(ev.typeUrl, "example.com/Custom");
    assert.deepEqual([...(ev.event as Uint8Array)], [1, 2, 3]);
  });

  test("events of another namespace are not seen by a namespace's subscription", async () => {
    const sub = await liveSubscription(d.client);
    const other = d.client.withNamespace("other-ns");
    const c = await other.containers.create(uniqueId(), { rootfs: d.rootfs });
    await c.delete();
    // The probe is published after those events: once it is back, they would have arrived.
    await sub.sync();
    await sub.close();
    assert.deepEqual(
      sub.events.map((e) => e.namespace),
      [],
    );
  });

  test("the SDK's sync markers never appear in a subscription of every namespace, nor as a namespace", async () => {
    const sub = await liveSubscription(d.client, { allNamespaces: true });
    // A second namespace makes the hub open a wider stream, publishing markers again.
    const other = d.client.withNamespace(uniqueId("markers"));
    const c = await other.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await c.newTask();
    await task.start();
    await task.wait();
    await task.delete();
    await c.delete();
    await sub.sync();
    await sub.close();
    assert.ok(sub.events.length > 0);
    for (const e of sub.events) {
      const topic = e.topic === "unknown" ? e.originalTopic : e.topic;
      assert.ok(!topic.startsWith("/containerd-sdk/"), topic);
      assert.notEqual(e.namespace, "containerd-sdk");
    }
    const names = (await d.client.namespaces.list()).map((n) => n.name);
    assert.ok(!names.includes("containerd-sdk"), String(names));
    await d.client.namespaces.delete(other.namespace).catch(() => {});
  });

  test("subscribe with a malformed filter throws InvalidArgumentError naming filters, before any RPC", () => {
    for (const bad of ["==", "topic==", 'topic=="unterminated', "topic==a b", "a,,b"]) {
      assert.throws(
        () => d.client.events.subscribe({ filters: [bad] }),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === "filters",
        bad,
      );
    }
  });

  test("filter values with quotes, backslashes, commas and spaces match exactly", async () => {
    const topic = '/custom/a "quoted", \\back slash';
    const sub = await liveSubscription(d.client, { filters: [filters.topic(topic)] });
    await d.client.raw.events.publish(
      { topic: "/custom/other", event: encodeAny("containerd.events.ContainerDelete", { id: "no" }) },
      { namespace: d.client.namespace },
    );
    await d.client.raw.events
      .publish(
        { topic, event: encodeAny("containerd.events.ContainerDelete", { id: "yes" }) },
        { namespace: d.client.namespace },
      )
      .catch(() => {});
    await sub.sync();
    await sub.close();
    // containerd validates topics: a topic it refuses is never published, so nothing may match.
    for (const e of sub.events) assert.equal(e.topic === "unknown" ? e.originalTopic : e.topic, topic);
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
    // An exit caused after the repeat travels the same stream behind it: once it has arrived,
    // the repeat has been routed.
    const later = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const laterTask = await later.newTask();
    await laterTask.start();
    await laterTask.wait();
    assert.deepEqual(exits, [5]);
    assert.deepEqual(await task.wait(), first);
    assert.equal((await task.delete()).exitCode, 5);
    await laterTask.delete();
    await later.delete();
    await c.delete();
  });

  test("a stream switch for a new namespace loses no exit and repeats none", async () => {
    const n = 20;
    const containers = await Promise.all(
      Array.from({ length: n }, () =>
        d.client.containers.create(uniqueId("sw"), { rootfs: d.rootfs, args: ["/bin/sleep", "1000"] }),
      ),
    );
    const tasks = await Promise.all(containers.map((c) => c.newTask()));
    await Promise.all(tasks.map((t) => t.start()));
    const exits = tasks.map(() => 0);
    tasks.forEach((t, i) => {
      t.on("exit", () => {
        exits[i] = (exits[i] ?? 0) + 1;
      });
    });
    // Kill them while a new namespace's first task makes the hub open a wider stream.
    const other = d.client.withNamespace(uniqueId("switch"));
    const oc = await other.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/true"] });
    const otherTask = await oc.newTask();
    const kills = tasks.map((t) => t.kill("SIGKILL"));
    await otherTask.start();
    await Promise.all(kills);
    const codes = await Promise.all(tasks.map(async (t) => (await t.wait()).exitCode));
    assert.deepEqual(
      codes,
      tasks.map(() => 137),
    );
    await otherTask.wait();
    assert.deepEqual(
      exits,
      tasks.map(() => 1),
    );
    await otherTask.delete();
    await oc.delete();
    await Promise.all(tasks.map((t) => t.delete()));
    await Promise.all(containers.map((c) => c.delete()));
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
