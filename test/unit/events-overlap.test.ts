import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OverlapFilter } from "../../src/events/overlap.js";
import type { Envelope } from "../../src/gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { encodeAny } from "../../src/index.js";

const exitedAt = new Date(1_600_000_000_000);
function exit(timestamp: number, pid: number, exitStatus = 0): Envelope {
  return {
    timestamp: new Date(timestamp),
    namespace: "a",
    topic: "/tasks/exit",
    event: encodeAny("containerd.events.TaskExit", { containerId: "c", id: "c", pid, exitStatus, exitedAt }),
  };
}
/** The same envelope as another stream receives it: equal bytes in a buffer of its own. */
const copy = (e: Envelope): Envelope => structuredClone(e);

describe("overlapping streams", () => {
  test("the second stream's copy of an envelope is dropped, whichever stream comes first", () => {
    const overlap = new OverlapFilter();
    const e = exit(1, 10);
    assert.equal(overlap.admit(2, e), true);
    assert.equal(overlap.admit(1, copy(e)), false);
  });

  test("a re-publication (its own timestamp, same payload) passes", () => {
    const overlap = new OverlapFilter();
    assert.equal(overlap.admit(1, exit(1, 10)), true);
    assert.equal(overlap.admit(2, exit(1, 10)), false);
    assert.equal(overlap.admit(1, exit(2, 10)), true);
  });

  test("envelopes that differ only in payload bytes are different events", () => {
    const overlap = new OverlapFilter();
    assert.equal(overlap.admit(1, exit(1, 10, 0)), true);
    assert.equal(overlap.admit(2, exit(1, 10, 1)), true);
    assert.equal(overlap.admit(2, exit(1, 11, 0)), true);
  });

  test("identical envelopes on one stream are two publications; the other stream's copies are dropped", () => {
    const overlap = new OverlapFilter();
    const e = exit(1, 10);
    assert.equal(overlap.admit(1, e), true);
    assert.equal(overlap.admit(1, copy(e)), true);
    assert.equal(overlap.admit(2, copy(e)), false);
    assert.equal(overlap.admit(2, copy(e)), false);
    assert.equal(overlap.admit(2, copy(e)), true);
  });
});
