/**
 * A port of the runtime tests in containerd's integration/client/container_linux_test.go
 * (TestContainerRuntimeOptionsv2, TestKillContainerDeletedByRunc, TestShimInCgroup) and container_test.go
 * (TestContainerStartWithAbsRuntimePath) to this SDK. The busybox image is replaced by the harness's
 * busybox rootfs; `WithRuntime(name, &options.Options{…})` is the `runtime` create option and the
 * task options `WithRuntimePath` / `TaskInfo.Options` are `newTask({ runtimePath, runtimeOptions })`.
 * Upstream's assertions are kept; the tests after them check the SDK's own rules (typed errors before
 * any RPC, task options overriding the container's).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { access, constants, mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { InvalidArgumentError, NotFoundError } from "../../src/index.js";
import { cgroupRoots, removeCgroup } from "../../src/testing/cgroups.js";
import { rpcDelta } from "../../src/testing/index.js";
import { fifoDirs, uniqueId, useDaemon } from "../fixtures.js";

const run = promisify(execFile);

/** The absolute path of `name` on PATH (upstream's exec.LookPath). */
async function lookPath(name: string): Promise<string> {
  for (const dir of (process.env.PATH ?? "/usr/bin").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(`${name} is not on PATH`);
}

describe("upstream container_linux_test.go / container_test.go: runtimes", () => {
  const d = useDaemon({ metrics: true });

  test("TestContainerRuntimeOptionsv2: a container whose runc binary is missing fails task creation naming it", async () => {
    const c = await d.client.containers.create(uniqueId("rt"), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "exit 7"],
      runtime: { name: "io.containerd.runc.v2", options: { binaryName: "no-runc" } },
    });
    const err = await c.newTask().catch((e: unknown) => e);
    assert.ok(err instanceof Error, "task creation should have failed");
    assert.ok(err.message.includes('"no-runc"'), err.message);
    // The second task: runc options given to newTask replace the container's for that task.
    const task = await c.newTask({ runtimeOptions: { binaryName: "runc" } });
    await task.start();
    assert.equal((await task.wait()).exitCode, 7);
    await task.delete();
    await c.delete();
  });

  test("runtimeOptions on newTask alone: a missing runc binary fails that task, naming it", async () => {
    const c = await d.client.containers.create(uniqueId("rt"), { rootfs: d.rootfs, args: ["/bin/true"] });
    const fifosBefore = await fifoDirs(d);
    const err = await c
      .newTask({ runtimeOptions: { binaryName: "no-runc" }, stdio: "pipe" })
      .catch((e: unknown) => e);
    assert.ok(err instanceof Error && err.message.includes('"no-runc"'), String(err));
    // A failed create leaves no FIFO directory behind.
    assert.deepEqual(await fifoDirs(d), fifosBefore);
    await c.delete();
  });

  test("TestContainerStartWithAbsRuntimePath: a task started with an absolute shim path runs", async () => {
    const shim = await lookPath("containerd-shim-runc-v2");
    const c = await d.client.containers.create(uniqueId("rt"), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "exit 7"],
    });
    const task = await c.newTask({ runtimePath: shim });
    assert.ok(task.pid > 0, `invalid task pid ${task.pid}`);
    await task.start();
    assert.equal((await task.wait()).exitCode, 7);
    assert.equal((await task.delete()).exitCode, 7);
    await c.delete();
  });

  test("TestKillContainerDeletedByRunc: kill after runc deleted the container is NotFound and wait returns", async () => {
    const runcRoot = join(d.ctr.dir, uniqueId("runc-root"));
    const id = uniqueId("rt");
    const c = await d.client.containers.create(id, {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "while true; do sleep 1; done"],
      runtime: { options: { root: runcRoot } },
    });
    const task = await c.newTask();
    await task.start();
    await run("runc", ["--root", join(runcRoot, d.client.namespace), "delete", "--force", id]);
    await assert.rejects(task.kill("SIGKILL"), NotFoundError);
    await task.wait();
    await task.delete();
    await c.delete();
  });

  test("TestShimInCgroup: runtimeOptions.shimCgroup on newTask puts that task's shim in the cgroup", async () => {
    // upstream creates /containerd/shim; a unique path keeps parallel daemons apart.
    const path = `/containerd-sdk-shim/${uniqueId("shim")}`;
    const { v1, v2 } = await cgroupRoots();
    const roots = [...v1, ...v2];
    await Promise.all(roots.map((root) => mkdir(join(root, path), { recursive: true })));
    // cgroups v1's cpuset takes no process until its cpus and mems are set (cgroups.New does this).
    for (const root of v1.filter((r) => /cpuset/.test(r))) {
      for (const dir of [dirname(path), path]) {
        for (const file of ["cpuset.cpus", "cpuset.mems"]) {
          await writeFile(join(root, dir, file), await readFile(join(root, file), "utf8"));
        }
      }
    }
    const procs = () =>
      readFile(join(roots[0] as string, path, "cgroup.procs"), "utf8").then((t) => t.trim());
    const c = await d.client.containers.create(uniqueId("rt"), { rootfs: d.rootfs, args: ["sleep", "30"] });
    try {
      const task = await c.newTask({ runtimeOptions: { shimCgroup: path } });
      assert.notEqual(await procs(), "", "created cgroup should have at least one process inside");
      await task.delete({ force: true });
      await c.delete();
      // The shim leaves once its last task is gone; the cgroup can go when it is empty.
      for (let i = 0; i < 500 && (await procs()) !== ""; i++) await new Promise((r) => setImmediate(r));
    } finally {
      await removeCgroup(path);
    }
  });

  test("a relative runtimePath is an InvalidArgumentError naming runtimePath, before any RPC", async () => {
    const c = await d.client.containers.create(uniqueId("rt"), { rootfs: d.rootfs, args: ["/bin/true"] });
    const before = await d.ctr.rpcCounts();
    await assert.rejects(
      c.newTask({ runtimePath: "containerd-shim-runc-v2" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "runtimePath",
    );
    assert.equal(rpcDelta(before, await d.ctr.rpcCounts()).size, 0);
    await c.delete();
  });

  test("a runc option the SDK cannot send is an InvalidArgumentError naming it, never dropped", async () => {
    const c = await d.client.containers.create(uniqueId("rt"), { rootfs: d.rootfs, args: ["/bin/true"] });
    const before = await d.ctr.rpcCounts();
    for (const [runtimeOptions, field] of [
      [{ criuImagePath: "/tmp/x" }, "runtimeOptions.criuImagePath"],
      [{ binaryname: "runc" }, "runtimeOptions.binaryname"],
      [{ systemdCgroup: "yes" }, "runtimeOptions.systemdCgroup"],
      [{ ioUid: -1 }, "runtimeOptions.ioUid"],
    ] as const) {
      await assert.rejects(
        c.newTask({ runtimeOptions: runtimeOptions as never }),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === field,
        field,
      );
    }
    assert.equal(rpcDelta(before, await d.ctr.rpcCounts()).size, 0);
    await c.delete();
  });
});
