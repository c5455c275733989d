import assert from "node:assert/strict";
import { once } from "node:events";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ContainerdSupervisor,
  type SupervisorExitEvent,
  type SupervisorRestartEvent,
  superviseContainerd,
} from "../../src/daemon/index.js";
import { Client } from "../../src/index.js";
import { containerdBinary, envWithBinaries, readRelease } from "../../src/testing/binaries.js";
import { renderConfig } from "../../src/testing/config.js";
import { BINARIES_ENV, busyboxRootfs } from "../../src/testing/index.js";
import { createLayout, type Layout } from "../../src/testing/layout.js";
import { teardown } from "../../src/testing/teardown.js";
import { uniqueId } from "../fixtures.js";

const NAMESPACE = "supervise";

/** Timers alive in this process: what a stopped supervisor must not leave behind. */
function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

/** The containerd under test (the matrix's, else PATH's), its environment and a config it reads. */
async function daemonSpec(layout: Layout) {
  const binaries = process.env[BINARIES_ENV] || undefined;
  const binary = containerdBinary(undefined, binaries);
  const release = await readRelease(binary);
  return {
    binary,
    env: envWithBinaries(binaries),
    config: renderConfig({ ...layout, logLevel: "info", major: release.major }),
    configPath: layout.configPath,
    address: layout.socket,
    logPath: layout.logPath,
  };
}

/** Calls `fn` until it resolves: the client's channel may sit in reconnect backoff for a moment. */
async function eventually<T>(fn: () => Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** A shell script standing in for containerd: ignores its arguments. */
async function fakeDaemon(layout: Layout, body: string): Promise<string> {
  const path = join(layout.dir, `fake-${uniqueId()}`);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe("superviseContainerd", () => {
  let layout: Layout;
  before(async () => {
    layout = await createLayout();
  });
  after(async () => {
    await teardown(layout, NAMESPACE);
  });

  test("containerd killed five times under a running client is restarted each time, with capped backoff; a wait pending throughout resolves with the real exit code; stop() leaves no timer", async () => {
    const baseline = timers();
    const spec = await daemonSpec(layout);
    const supervisor = await superviseContainerd({ ...spec, restart: { initialDelay: 50, maxDelay: 200 } });
    const restarts: SupervisorRestartEvent[] = [];
    const exits: SupervisorExitEvent[] = [];
    supervisor.on("restart", (e: SupervisorRestartEvent) => restarts.push(e));
    supervisor.on("exit", (e: SupervisorExitEvent) => exits.push(e));
    const client = await Client.connect({
      address: supervisor.address,
      namespace: NAMESPACE,
      fifoDir: layout.fifoDir,
    });
    const rootfs = await busyboxRootfs(join(layout.dir, "rootfs"));
    const container = await client.containers.create(uniqueId(), { rootfs, args: ["/bin/sleep", "600"] });
    const task = await container.newTask();
    await task.start();
    // Pending across all five restarts: the client's event stream reconnects and reconciles.
    const waiting = task.wait();
    try {
      for (let round = 1; round <= 5; round++) {
        const killed = supervisor.pid;
        assert.ok(killed);
        const ready = once(supervisor, "ready");
        process.kill(killed, "SIGKILL");
        await ready;
        assert.notEqual(supervisor.pid, killed);
        assert.match((await eventually(() => client.version())).version, /^\d+\.\d+/);
        assert.equal((await eventually(() => task.status())).status, "running", `after kill ${round}`);
      }
      assert.deepEqual(
        restarts.map((r) => [r.attempt, r.delay]),
        [
          [1, 50],
          [2, 100],
          [3, 200],
          [4, 200],
          [5, 200],
        ],
      );
      assert.deepEqual(
        exits.map((e) => [e.signal, e.expected]),
        Array(5).fill(["SIGKILL", false]),
      );
      await task.kill("SIGKILL");
      assert.equal((await waiting).exitCode, 137);
      assert.equal((await task.delete()).exitCode, 137);
      await container.delete();
    } finally {
      await task.kill("SIGKILL").catch(() => undefined);
      await client.close();
      await supervisor.stop();
    }
    assert.equal(supervisor.running, false);
    assert.deepEqual(exits.at(-1)?.expected, true);
    assert.equal(timers(), baseline);
  });

  test("stop() during the restart backoff clears the timer, and nothing starts again", async () => {
    const baseline = timers();
    const supervisor = await superviseContainerd({
      ...(await daemonSpec(layout)),
      restart: { initialDelay: 60_000, maxDelay: 60_000 },
    });
    let starts = 0;
    supervisor.on("start", () => starts++);
    const scheduled = once(supervisor, "restart");
    process.kill(supervisor.pid ?? 0, "SIGKILL");
    const [{ delay }] = (await scheduled) as [SupervisorRestartEvent];
    assert.equal(delay, 60_000);
    await supervisor.stop();
    assert.equal(timers(), baseline);
    assert.equal(starts, 0);
    assert.equal(supervisor.running, false);
  });

  test("a daemon that ignores SIGTERM is SIGKILLed after the grace period, and the grace timer is cleared", async () => {
    const baseline = timers();
    const logPath = join(layout.dir, `${uniqueId("stubborn")}.log`);
    const binary = await fakeDaemon(layout, "trap '' TERM\necho trapped\nexec sleep 30");
    const supervisor = new ContainerdSupervisor({ binary, address: layout.socket, logPath, restart: false });
    const exited = supervisor.launch();
    await eventually(async () => assert.match(await readFile(logPath, "utf8"), /trapped/));
    const started = Date.now();
    await supervisor.stop({ grace: 300 });
    const exit = await exited;
    assert.equal(exit.signal, "SIGKILL");
    assert.ok(Date.now() - started >= 250, `${Date.now() - started} ms`);
    assert.equal(timers(), baseline);
  });

  test("stop() sends killSignal first", async () => {
    const logPath = join(layout.dir, `${uniqueId("int")}.log`);
    const binary = await fakeDaemon(layout, "echo up\nexec sleep 30");
    const supervisor = new ContainerdSupervisor({ binary, address: layout.socket, logPath, restart: false });
    const exited = supervisor.launch();
    await eventually(async () => assert.match(await readFile(logPath, "utf8"), /up/));
    await supervisor.stop({ killSignal: "SIGINT" });
    assert.equal((await exited).signal, "SIGINT");
  });

  test("stop({ signal }) is an InvalidArgumentError pointing to killSignal, as is an unknown option", async () => {
    const supervisor = new ContainerdSupervisor({ address: layout.socket, restart: false });
    await assert.rejects(supervisor.stop({ signal: "SIGKILL" } as never), {
      name: "InvalidArgumentError",
      field: "signal",
      message: /killSignal/,
    });
    await assert.rejects(supervisor.stop({ killSignal: "SIGNOPE" as never }), { field: "killSignal" });
    await assert.rejects(supervisor.stop({ gracee: 5 } as never), { message: /did you mean grace\?/ });
    assert.throws(() => new ContainerdSupervisor({ address: layout.socket, stopgrace: 1 } as never), {
      field: "options.stopgrace",
    });
    assert.throws(
      () => new ContainerdSupervisor({ address: layout.socket, restart: { maxDelays: 1 } } as never),
      { field: "restart.maxDelays" },
    );
  });

  test("a daemon that exits at once rejects superviseContainerd with its exit, and schedules no restart", async () => {
    const baseline = timers();
    const binary = await fakeDaemon(layout, "exit 3");
    await assert.rejects(
      superviseContainerd({ binary, address: join(layout.dir, "never.sock") }),
      /exited with code 3/,
    );
    assert.equal(timers(), baseline);
  });

  test("a config object is written as TOML and containerd runs with it", async () => {
    const spec = await daemonSpec(layout);
    const socket = join(layout.dir, "object.sock");
    const root = join(layout.dir, "object-root");
    const state = join(layout.dir, "object-state");
    const major = Number((await readRelease(spec.binary)).major);
    await using supervisor = await superviseContainerd({
      binary: spec.binary,
      env: spec.env,
      address: socket,
      root,
      state,
      configPath: join(layout.dir, "object.toml"),
      config: {
        version: major >= 2 ? 3 : 2,
        disabled_plugins: ["io.containerd.grpc.v1.cri", "io.containerd.nri.v1.nri"],
        ttrpc: { address: `${socket}.ttrpc` },
      },
    });
    const text = await readFile(join(layout.dir, "object.toml"), "utf8");
    assert.match(text, /\[ttrpc\]\naddress = ".*object\.sock\.ttrpc"/);
    await using client = await Client.connect({ address: supervisor.address });
    assert.equal(await client.serving(), true);
  });
});
