// startService when a service never gets ready: the startup deadline, a task that exits, an
// unhealthy image, the caller's abort and bad options. Each rejects with its typed error carrying
// the container's last log lines, and leaves nothing behind.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  isAbortError,
} from "../../src/index.js";
import { ServiceStartError, StartupTimeoutError, startService, wait } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";
import { sessionContainers, sessionNetworks, useBusyboxImage } from "../service-fixtures.js";

const sh = (script: string) => ({ entrypoint: ["/bin/sh", "-c"], args: [script] });

describe("testing: startService failures", () => {
  const d = useDaemon();
  const busybox = useBusyboxImage(d);
  const unhealthy = useBusyboxImage(d, "unhealthy", {
    healthcheck: { test: ["CMD", "false"], interval: 100, retries: 2 },
  });

  /** The ids of the daemon's containers whose id starts with `name-`. */
  async function containersNamed(name: string): Promise<string[]> {
    return (await d.client.containers.list()).map((c) => c.id).filter((id) => id.startsWith(`${name}-`));
  }

  test("a wait that never succeeds rejects within startupTimeout with the last log lines, leaving nothing", async () => {
    const started = Date.now();
    const err = await startService(d.client, {
      image: busybox.name,
      name: "never",
      ...sh("i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo line $i; done; exec sleep 1000"),
      ports: [80],
      wait: wait.forLog("this never appears"),
      startupTimeout: 8_000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof StartupTimeoutError, String(err));
    assert.ok(err instanceof DeadlineExceededError);
    assert.equal(err.statusCode(), 504);
    assert.ok(Date.now() - started < 8_000 + 10_000, "the deadline did not bound the start");
    assert.equal(err.logs.length, 50);
    assert.equal(err.logs.at(-1), "line 60");
    assert.equal(err.logs[0], "line 11");
    assert.match(err.message, /not ready within 8000 ms \(waiting for log "this never appears"\)/);
    assert.match(err.message, /line 59\n {2}line 60$/);
    assert.deepEqual(await containersNamed("never"), []);
    assert.deepEqual(await sessionContainers(d), []);
  });

  test("a task that exits before it is ready rejects with ServiceStartError and its output", async () => {
    const err = await startService(d.client, {
      image: busybox.name,
      name: "quits",
      ...sh("echo giving up; exit 4"),
      wait: wait.forPort(80),
      ports: [80],
      startupTimeout: 20_000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceStartError, String(err));
    assert.ok(err instanceof FailedPreconditionError);
    assert.match(err.message, /exited with code 4 before it was ready/);
    assert.deepEqual(err.logs, ["giving up"]);
    assert.deepEqual(await containersNamed("quits"), []);
  });

  test("an image Healthcheck that keeps failing fails the start for good", async () => {
    const err = await startService(d.client, {
      image: unhealthy.name,
      name: "sick",
      args: ["sleep", "1000"],
      wait: wait.forHealthcheck(),
      startupTimeout: 20_000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceStartError, String(err));
    assert.match(err.message, /unhealthy: \["false"\] failed 2 times in a row/);
    assert.deepEqual(await containersNamed("sick"), []);
  });

  test("forHealthcheck on an image without one fails at once", async () => {
    const err = await startService(d.client, {
      image: busybox.name,
      name: "nocheck",
      args: ["sleep", "1000"],
      wait: wait.forHealthcheck(),
      startupTimeout: 20_000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceStartError, String(err));
    assert.match(err.message, /has no Healthcheck/);
    assert.deepEqual(await containersNamed("nocheck"), []);
  });

  test("the caller's signal aborts the start with an AbortError and removes what it made", async () => {
    const controller = new AbortController();
    const starting = startService(d.client, {
      image: busybox.name,
      name: "aborted",
      args: ["sleep", "1000"],
      wait: wait.forExec(["false"]),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 1_500);
    const err = await starting.catch((e: unknown) => e);
    assert.ok(isAbortError(err), String(err));
    assert.deepEqual(await containersNamed("aborted"), []);
  });

  test("bad options are an InvalidArgumentError naming the field, before anything is made", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ image: busybox.name, ports: ["80"] }, "ports[0]"],
      [{ image: busybox.name, ports: [{ containerPort: 70000 }] }, "ports[0].containerPort"],
      [{ image: busybox.name, wait: "log" }, "wait"],
      [{ image: busybox.name, startupTimeout: -1 }, "startupTimeout"],
      [{ image: busybox.name, name: "no spaces" }, "name"],
      [{}, "image"],
    ];
    for (const [options, field] of cases) {
      const err = await startService(d.client, options as never).catch((e: unknown) => e);
      assert.ok(err instanceof InvalidArgumentError && err.field === field, `${field}: ${String(err)}`);
    }
    const typo = await startService(d.client, { image: busybox.name, port: [80] } as never).catch(
      (e: unknown) => e,
    );
    assert.ok(typo instanceof InvalidArgumentError);
    assert.match(typo.message, /did you mean ports/);
  });

  test("after the failures, no session container and no attachment on the session network is left", async () => {
    assert.deepEqual(await sessionContainers(d), []);
    const networks = await sessionNetworks(d);
    const attached = (await d.client.networks.attachments()).filter((a) => networks.includes(a.name));
    assert.deepEqual(attached, []);
  });
});
