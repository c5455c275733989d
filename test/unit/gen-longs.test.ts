import assert from "node:assert/strict";
import { test } from "node:test";
import Long from "long";
import { PidsStat } from "../../src/gen/github.com/containerd/cgroups/v2/stats/metrics.js";
import { Timestamp } from "../../src/gen/google/protobuf/timestamp.js";

test("64-bit fields decode to the Longs they were encoded from, at both ends of their range", () => {
  for (const seconds of [
    Long.ZERO,
    Long.fromNumber(-5),
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    Long.fromNumber(1_765_000_000),
  ]) {
    const decoded = Timestamp.decode(Timestamp.encode({ seconds, nanos: 7 }).finish());
    assert.ok(decoded.seconds.equals(seconds), `${decoded.seconds} != ${seconds}`);
    assert.equal(decoded.seconds.unsigned, false);
  }
  for (const limit of [Long.UZERO, Long.MAX_UNSIGNED_VALUE, Long.fromString("4294967296", true)]) {
    const decoded = PidsStat.decode(PidsStat.encode({ current: Long.UONE, limit }).finish());
    assert.ok(decoded.limit.equals(limit), `${decoded.limit} != ${limit}`);
    assert.equal(decoded.limit.unsigned, true);
  }
});
