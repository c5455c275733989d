import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_BACKOFF_MS } from "../../src/base/backoff.js";
import { EventStream } from "../../src/events/stream.js";
import type { Envelope } from "../../src/gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { DeadlineExceededError, UnavailableError } from "../../src/index.js";
import { FakeClock, FakeContainerd, settle } from "../events-fake.js";

function setup() {
  const clock = new FakeClock();
  const containerd = new FakeContainerd();
  const owner = {
    routed: [] as Envelope[],
    needed: true,
    downs: [] as unknown[],
    reconnects: 0,
  };
  const stream = new EventStream(containerd.services, clock, {
    route: (envelope) => owner.routed.push(envelope),
    needed: () => owner.needed,
    down: (err) => owner.downs.push(err),
    reconnected: () => owner.reconnects++,
  });
  return { clock, containerd, owner, stream };
}

/** Each routed envelope by its timestamp, which the fake makes unique per publication. */
const stamps = (envelopes: Envelope[]) => envelopes.map((e) => e.timestamp?.getTime()).sort();

describe("event stream", () => {
  test("ready() resolves once the subscription's marker is back, leaving no timer", async () => {
    const { clock, containerd, stream } = setup();
    await stream.ready("a");
    assert.notEqual(stream.liveToken("a"), undefined);
    assert.equal(stream.liveToken("b"), undefined);
    assert.equal(containerd.open, 1);
    assert.equal(clock.pending, 0);
  });

  test("events are routed in order; the sync markers never are", async () => {
    const { containerd, owner, stream } = setup();
    await stream.ready("a");
    const sent = [containerd.exit("a", "c1", "c1", 1, 0), containerd.exit("a", "c2", "c2", 2, 0)];
    containerd.exit("other", "c3", "c3", 3, 0);
    await settle();
    assert.deepEqual(owner.routed, sent);
  });

  test("a marker lost before the server registered the stream is published again", async () => {
    const { clock, containerd, stream } = setup();
    containerd.holdRegistration = true;
    const ready = stream.ready("a");
    await settle();
    containerd.register();
    clock.tick(25);
    await ready;
    assert.equal(clock.pending, 0);
  });

  test("ready() with a timeout fails with DeadlineExceededError while no stream goes live", async () => {
    const { clock, containerd, stream } = setup();
    containerd.holdRegistration = true;
    const ready = stream.ready("a", { timeout: 100 });
    clock.tick(100);
    await assert.rejects(ready, DeadlineExceededError);
  });

  test("ready() with an aborted signal fails with its reason", async () => {
    const { containerd, stream } = setup();
    containerd.holdRegistration = true;
    const controller = new AbortController();
    const ready = stream.ready("a", { signal: controller.signal });
    controller.abort(new Error("no longer needed"));
    await assert.rejects(ready, /no longer needed/);
  });

  test("a switch to a wider stream loses and duplicates nothing, and drops the old stream", async () => {
    const { clock, containerd, owner, stream } = setup();
    await stream.ready("a");
    const token = stream.liveToken("a");
    containerd.pause(); // what reaches the old stream from now on is still in flight
    containerd.holdRegistration = true;
    const wider = stream.ready("b");
    const sent = [containerd.exit("a", "c1", "c1", 1, 0)]; // only the old stream is registered
    containerd.register();
    sent.push(containerd.exit("a", "c2", "c2", 2, 0)); // both streams carry it
    sent.push(containerd.exit("b", "c3", "c3", 3, 0)); // only the new one
    clock.tick(25); // the new stream's marker again: it goes live, the old one drains
    await wider;
    await settle();
    assert.equal(containerd.open, 2, "the old stream stays until it is drained");
    containerd.resume();
    await settle();
    sent.push(containerd.exit("a", "c4", "c4", 4, 0));
    await settle();
    assert.deepEqual(stamps(owner.routed), stamps(sent));
    assert.equal(containerd.open, 1);
    assert.equal(stream.liveToken("a"), token, "a switch is no outage");
    assert.equal(clock.pending, 0);
  });

  test("a switch that fails keeps the live stream; only waiters it cannot serve fail", async () => {
    const { containerd, owner, stream } = setup();
    await stream.ready("a");
    containerd.refuseNext = new UnavailableError("refused");
    await assert.rejects(stream.ready("b"), /refused/);
    const sent = containerd.exit("a", "c1", "c1", 1, 0);
    await settle();
    assert.deepEqual(owner.routed, [sent]);
    assert.notEqual(stream.liveToken("a"), undefined);
    assert.deepEqual(owner.downs, []);
  });

  test("a lost stream reports down, backs off, resubscribes and asks for reconciliation", async () => {
    const { clock, containerd, owner, stream } = setup();
    await stream.ready("a");
    const before = stream.liveToken("a");
    const lost = new UnavailableError("containerd stopped");
    containerd.drop(lost);
    await settle();
    assert.deepEqual(owner.downs, [lost]);
    assert.equal(stream.liveToken("a"), undefined);
    assert.equal(containerd.open, 0);
    assert.equal(clock.pending, 1, "the backoff timer alone");
    containerd.up();
    clock.tick(50);
    await settle();
    assert.equal(owner.reconnects, 1);
    assert.equal(containerd.open, 1);
    assert.notEqual(stream.liveToken("a"), undefined);
    assert.notEqual(stream.liveToken("a"), before, "facts learned before the outage are stale");
    assert.equal(clock.pending, 0);
  });

  test("while containerd stays down, each retry waits longer, up to the cap, one timer at a time", async () => {
    const { clock, containerd, stream } = setup();
    await stream.ready("a");
    containerd.drop();
    await settle();
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt);
      const calls = containerd.subscribeCalls;
      clock.tick(ceiling / 2 - 1);
      await settle();
      assert.equal(containerd.subscribeCalls, calls, `attempt ${attempt} waits at least ${ceiling / 2} ms`);
      clock.tick(ceiling / 2 + 1);
      await settle();
      assert.equal(containerd.subscribeCalls, calls + 1, `attempt ${attempt} comes within ${ceiling} ms`);
      assert.equal(clock.pending, 1);
    }
  });

  test("a lost stream nothing needs goes idle: no timer, no retry, and no reconciliation later", async () => {
    const { clock, containerd, owner, stream } = setup();
    await stream.ready("a");
    owner.needed = false;
    containerd.drop();
    await settle();
    assert.equal(clock.pending, 0);
    containerd.up();
    clock.tick(MAX_BACKOFF_MS);
    assert.equal(containerd.subscribeCalls, 1);
    await stream.ready("a");
    assert.equal(owner.reconnects, 0);
  });

  test("close() while connecting ends the call and every timer, and fails the waiters", async () => {
    const { clock, containerd, stream } = setup();
    containerd.holdRegistration = true;
    const ready = stream.ready("a", { timeout: 1_000 });
    await settle();
    assert.ok(clock.pending > 0, "the marker's retry and the timeout run");
    stream.close();
    await assert.rejects(ready, UnavailableError);
    assert.equal(clock.pending, 0);
    assert.equal(containerd.open, 0);
  });

  test("close() while backing off clears the timer; nothing resubscribes", async () => {
    const { clock, containerd, stream } = setup();
    await stream.ready("a");
    containerd.drop();
    await settle();
    assert.equal(clock.pending, 1);
    stream.close();
    assert.equal(clock.pending, 0);
    containerd.up();
    clock.tick(MAX_BACKOFF_MS);
    await settle();
    assert.equal(containerd.subscribeCalls, 1);
    await assert.rejects(stream.ready("a"), UnavailableError);
  });

  test("close() during a switch closes both streams", async () => {
    const { clock, containerd, stream } = setup();
    await stream.ready("a");
    containerd.holdRegistration = true;
    const wider = stream.ready("b");
    await settle();
    assert.equal(containerd.open, 2);
    stream.close();
    await assert.rejects(wider, UnavailableError);
    assert.equal(containerd.open, 0);
    assert.equal(clock.pending, 0);
  });
});
