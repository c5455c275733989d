// The test toolkit's pure parts: /proc/net/tcp tables, image Healthchecks, reuse hashes, the poll
// backoff and startService's option checks.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { checkServiceOptions } from "../../src/testing/service/options.js";
import { reuseHash } from "../../src/testing/service/reuse.js";
import { healthProbe } from "../../src/testing/service/wait/healthcheck.js";
import { pollDelay } from "../../src/testing/service/wait/poll.js";
import { listeningPorts } from "../../src/testing/service/wait/proc-net-tcp.js";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0200580A:1F90 0100580A:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000000000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000
`;

describe("testing: service internals", () => {
  test("listeningPorts reads LISTEN rows of tcp and tcp6 tables, not established ones", () => {
    assert.deepEqual([...listeningPorts(TCP)].sort(), [6379, 8080]);
    assert.deepEqual([...listeningPorts(TCP6)], [6379]);
    assert.deepEqual([...listeningPorts("")], []);
  });

  test("healthProbe turns a Docker Healthcheck into an exec with millisecond timing", () => {
    assert.deepEqual(
      healthProbe({
        Test: ["CMD-SHELL", "pg_isready -U postgres"],
        Interval: 1e9,
        Timeout: 5e8,
        Retries: 5,
        StartPeriod: 2e9,
      }),
      {
        args: ["/bin/sh", "-c", "pg_isready -U postgres"],
        interval: 1000,
        timeout: 500,
        retries: 5,
        startPeriod: 2000,
      },
    );
    assert.deepEqual(healthProbe({ Test: ["CMD", "redis-cli", "ping"] }), {
      args: ["redis-cli", "ping"],
      interval: 30_000,
      timeout: 30_000,
      retries: 3,
      startPeriod: 0,
    });
    assert.equal(healthProbe({ Test: ["NONE"] }), undefined);
    assert.equal(healthProbe({ Test: ["CMD"] }), undefined);
    assert.equal(healthProbe(undefined), undefined);
  });

  test("reuseHash depends on what shapes the container, not on key order, wait or timeout", () => {
    const a = checkServiceOptions({ image: "redis", env: { A: "1", B: "2" }, ports: [6379] });
    const b = checkServiceOptions({
      ports: [{ containerPort: 6379 }],
      env: { B: "2", A: "1" },
      image: "redis",
      startupTimeout: 5,
    });
    const c = checkServiceOptions({ image: "redis", env: { A: "1", B: "3" }, ports: [6379] });
    assert.equal(reuseHash(a), reuseHash(b));
    assert.notEqual(reuseHash(a), reuseHash(c));
    assert.match(reuseHash(a), /^[0-9a-f]{16}$/);
  });

  test("the poll delay doubles from 50 ms and stops at 1 s", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 30].map(pollDelay), [50, 100, 200, 400, 800, 1000, 1000, 1000]);
  });

  test("checkServiceOptions fills the defaults and names a bad field", () => {
    const o = checkServiceOptions({ rootfs: "/r", ports: [80, { containerPort: 81, hostPort: 8081 }] });
    assert.deepEqual(
      [o.name, o.startupTimeout, o.ports],
      ["service", 60_000, [{ containerPort: 80 }, { containerPort: 81, hostPort: 8081 }]],
    );
    const field = (options: unknown) => {
      try {
        checkServiceOptions(options as never);
      } catch (err) {
        assert.ok(err instanceof InvalidArgumentError);
        return err.field;
      }
      return undefined;
    };
    assert.equal(field({ image: "a", rootfs: "/r" }), "image");
    assert.equal(field({ image: "a", reuse: "yes" }), "reuse");
    assert.equal(field({ image: "a", ports: [{ containerPort: 1, host: 2 }] }), "ports[0].host");
    assert.equal(field({ image: "a", aliases: [1] }), "aliases[0]");
  });
});
