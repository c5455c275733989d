import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, test } from "node:test";
import { EventHub } from "../../src/events/hub.js";
import { NotFoundError, UnavailableError } from "../../src/index.js";
import { FakeClock, FakeContainerd, settle } from "../events-fake.js";

function setup() {
  const clock = new FakeClock();
  const containerd = new FakeContainerd();
  const hub = new EventHub(containerd.services, clock);
  return { clock, containerd, hub };
}

describe("event hub", () => {
  test("each exit on the stream settles the handle of its process", async () => {
    const { containerd, hub } = setup();
    const init = hub.track("a", "c1", "", 10);
    const exec = hub.track("a", "c1", "e1", 11);
    const other = hub.track("b", "c1", "", 10);
    await hub.ready("a");
    containerd.exit("a", "c1", "e1", 11, 2);
    containerd.exit("a", "c1", "c1", 10, 0);
    assert.equal((await exec.exit).exitCode, 2);
    assert.equal((await init.exit).exitCode, 0);
    assert.equal(other.settled, false);
    hub.close();
  });

  test("an exit published twice reaches its handle once", async () => {
    const { containerd, hub } = setup();
    const record = hub.track("a", "c1", "", 10);
    const heard: number[] = [];
    record.listen((status) => heard.push(status.exitCode));
    await hub.ready("a");
    containerd.exit("a", "c1", "c1", 10, 3);
    containerd.exit("a", "c1", "c1", 10, 3);
    await settle();
    assert.deepEqual(heard, [3]);
    assert.equal(hub.size, 0);
    hub.close();
  });

  test("after an outage, waiting processes are reconciled with what containerd says now", async () => {
    const { clock, containerd, hub } = setup();
    const stopped = hub.track("a", "c1", "", 10);
    const gone = hub.track("a", "c2", "", 20);
    const running = hub.track("a", "c3", "", 30);
    await hub.ready("a");
    const disconnected = once(hub, "disconnect");
    containerd.drop(new UnavailableError("containerd stopped"));
    const [{ error }] = await disconnected;
    assert.match(error.message, /containerd stopped/);
    // While the stream was down: c1 exited (its exit was missed), c2 was deleted, c3 runs on.
    containerd.tasks.set("a/c1/", { pid: 10, exitStatus: 137, exitedAt: new Date(5) });
    containerd.tasks.set("a/c3/", { pid: 30, running: true });
    containerd.up();
    const reconnected = once(hub, "reconnect");
    clock.tick(50);
    assert.deepEqual(await reconnected, [{ reconciled: 3 }]);
    assert.deepEqual(await stopped.exit, { exitCode: 137, exitedAt: new Date(5) });
    await assert.rejects(gone.exit, NotFoundError);
    assert.equal(running.settled, false);
    containerd.exit("a", "c3", "c3", 30, 0);
    assert.equal((await running.exit).exitCode, 0);
    assert.equal(clock.pending, 0);
    hub.close();
  });

  test("what was learned before an outage is not recorded after it", async () => {
    const { clock, containerd, hub } = setup();
    hub.track("a", "c1", "", 10);
    await hub.ready("a");
    const token = hub.presenceToken("a");
    containerd.drop();
    await settle();
    containerd.up();
    clock.tick(50);
    await hub.ready("a");
    hub.setTaskPresence("a", "c1", "present", token);
    assert.equal(hub.taskPresence("a", "c1"), "unknown");
    hub.setTaskPresence("a", "c1", "present", hub.presenceToken("a"));
    assert.equal(hub.taskPresence("a", "c1"), "present");
    hub.close();
  });

  test("close() fails waiting processes, aborts the close signal and leaves no timer or stream", async () => {
    const { clock, containerd, hub } = setup();
    containerd.holdRegistration = true;
    const record = hub.track("a", "c1", "", 10);
    await settle();
    hub.close();
    await assert.rejects(record.exit, UnavailableError);
    assert.equal(hub.closeSignal.aborted, true);
    assert.equal(hub.size, 0);
    assert.equal(clock.pending, 0);
    assert.equal(containerd.open, 0);
  });

  test("tracking and releasing handles again and again keeps the hub's size flat", async () => {
    const { hub } = setup();
    for (let i = 0; i < 1_000; i++) {
      hub.release(hub.track("a", "c1", "e", 100 + i));
      hub.watchContainer("a", "c1", () => {})();
    }
    assert.equal(hub.size, 0);
    hub.close();
  });
});
