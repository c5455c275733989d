import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Router } from "../../src/events/router.js";
import type { Envelope } from "../../src/gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { type ContainerdEvent, encodeAny, NotFoundError } from "../../src/index.js";
import { FakeClock } from "../events-fake.js";

let published = 0;
function envelope(namespace: string, topic: string, typeUrl: string, event: unknown): Envelope {
  return {
    timestamp: new Date(1_700_000_000_000 + published++),
    namespace,
    topic,
    event: encodeAny(typeUrl, event),
  };
}
const exitedAt = new Date(1_600_000_000_000);
const exit = (ns: string, containerId: string, id: string, pid: number, exitStatus: number) =>
  envelope(ns, "/tasks/exit", "containerd.events.TaskExit", { containerId, id, pid, exitStatus, exitedAt });
const taskDelete = (ns: string, containerId: string, pid: number, exitStatus: number) =>
  envelope(ns, "/tasks/delete", "containerd.events.TaskDelete", {
    containerId,
    id: "",
    pid,
    exitStatus,
    exitedAt,
  });

describe("event router", () => {
  test("an exit reaches the record of its namespace, container, exec id and pid, and no other", async () => {
    const router = new Router(new FakeClock());
    const target = router.track("a", "c1", "", 10);
    const others = [
      router.track("a", "c1", "e1", 11),
      router.track("b", "c1", "", 10),
      router.track("a", "c2", "", 10),
    ];
    router.route(exit("a", "c1", "c1", 10, 3));
    assert.equal((await target.exit).exitCode, 3);
    assert.deepEqual(
      others.map((r) => r.settled),
      [false, false, false],
    );
  });

  test("an exec's exit, whose id is the exec id, reaches the exec's record", async () => {
    const router = new Router(new FakeClock());
    const init = router.track("a", "c1", "", 10);
    const exec = router.track("a", "c1", "e1", 11);
    router.route(exit("a", "c1", "e1", 11, 7));
    assert.equal((await exec.exit).exitCode, 7);
    assert.equal(init.settled, false);
  });

  test("an exit published twice (after a daemon restart) settles the record once, with the first", async () => {
    const router = new Router(new FakeClock());
    const record = router.track("a", "c1", "", 10);
    const heard: number[] = [];
    record.listen((status) => heard.push(status.exitCode));
    router.route(exit("a", "c1", "c1", 10, 3));
    router.route(exit("a", "c1", "c1", 10, 137));
    assert.deepEqual(heard, [3]);
    assert.equal((await record.exit).exitCode, 3);
  });

  test("the exit containerd publishes for a dead shim (pid 0) settles the record", async () => {
    const router = new Router(new FakeClock());
    const record = router.track("a", "c1", "", 10);
    router.route(exit("a", "c1", "c1", 0, 137));
    assert.equal((await record.exit).exitCode, 137);
  });

  test("a task delete settles its init process; its execs fail with NotFoundError after a grace", async () => {
    const clock = new FakeClock();
    const router = new Router(clock);
    const init = router.track("a", "c1", "", 10);
    const exec = router.track("a", "c1", "e1", 11);
    router.route(taskDelete("a", "c1", 10, 137));
    assert.equal((await init.exit).exitCode, 137);
    assert.equal(exec.settled, false);
    clock.tick(2_000);
    await assert.rejects(exec.exit, NotFoundError);
    assert.equal(clock.pending, 0);
  });

  test("an exec's exit still in flight after the task delete wins over the grace", async () => {
    const clock = new FakeClock();
    const router = new Router(clock);
    router.track("a", "c1", "", 10);
    const exec = router.track("a", "c1", "e1", 11);
    router.route(taskDelete("a", "c1", 10, 0));
    router.route(exit("a", "c1", "e1", 11, 4));
    clock.tick(2_000);
    assert.equal((await exec.exit).exitCode, 4);
  });

  test("container listeners hear their container's events until they stop", () => {
    const router = new Router(new FakeClock());
    const heard: ContainerdEvent["topic"][] = [];
    const stop = router.watchContainer("a", "c1", (ev) => heard.push(ev.topic));
    router.route(envelope("a", "/tasks/oom", "containerd.events.TaskOOM", { containerId: "c1" }));
    router.route(envelope("a", "/tasks/oom", "containerd.events.TaskOOM", { containerId: "c2" }));
    router.route(envelope("b", "/tasks/oom", "containerd.events.TaskOOM", { containerId: "c1" }));
    router.route(envelope("a", "/containers/delete", "containerd.events.ContainerDelete", { id: "c1" }));
    stop();
    router.route(envelope("a", "/tasks/paused", "containerd.events.TaskPaused", { containerId: "c1" }));
    assert.deepEqual(heard, ["/tasks/oom", "/containers/delete"]);
  });

  test("task create and delete update the presence of tracked containers only", () => {
    const router = new Router(new FakeClock());
    router.setPresence("a", "c1", "none");
    router.route(
      envelope("a", "/tasks/create", "containerd.events.TaskCreate", { containerId: "c1", pid: 1 }),
    );
    router.route(
      envelope("a", "/tasks/create", "containerd.events.TaskCreate", { containerId: "c2", pid: 2 }),
    );
    assert.equal(router.presence("a", "c1"), "present");
    assert.equal(router.presence("a", "c2"), "unknown");
    router.route(taskDelete("a", "c1", 1, 0));
    assert.equal(router.presence("a", "c1"), "none");
  });

  test("registering and unregistering handles again and again keeps the size flat", () => {
    const router = new Router(new FakeClock());
    const record = router.track("a", "c1", "", 10);
    for (let i = 0; i < 1_000; i++) {
      assert.equal(router.track("a", "c1", "", 10), record);
      router.watchContainer("a", "c1", () => {})();
      router.setPresence("a", "c1", "present");
    }
    assert.equal(router.size, 2);
    router.release(record);
    router.forget("a", "c1");
    assert.equal(router.size, 0);
    assert.equal(router.watching, false);
  });

  test("a settled record is dropped", async () => {
    const router = new Router(new FakeClock());
    const record = router.track("a", "c1", "", 10);
    router.route(exit("a", "c1", "c1", 10, 0));
    await record.exit;
    assert.equal(router.size, 0);
  });

  test("clear() fails every waiting record and ends the grace timers", async () => {
    const clock = new FakeClock();
    const router = new Router(clock);
    router.track("a", "c1", "", 10);
    const exec = router.track("a", "c1", "e1", 11);
    router.route(taskDelete("a", "c1", 10, 0));
    const closed = new Error("closed");
    router.clear(closed);
    await assert.rejects(exec.exit, (err) => err === closed);
    assert.equal(clock.pending, 0);
    assert.equal(router.size, 0);
  });
});
