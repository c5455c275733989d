import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, lstat, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { type ContainerdInstance, rpcDelta, startContainerd } from "../../src/testing/index.js";

const run = promisify(execFile);

/** `ctr` against the instance: an independent client, so these tests do not lean on the SDK under test. */
function ctr(
  instance: ContainerdInstance,
  namespace: string,
  ...args: string[]
): Promise<{ stdout: string }> {
  return run("ctr", ["--address", instance.address, "--namespace", namespace, ...args]);
}

/** Live (non-zombie) processes whose command line mentions `needle`. */
async function processesMentioning(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
      if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Every cgroup hierarchy's copy of `/<namespace>` that still exists. */
async function cgroupDirs(namespace: string): Promise<string[]> {
  const hierarchies = await readdir("/sys/fs/cgroup").catch(() => []);
  const candidates = [
    join("/sys/fs/cgroup", namespace),
    ...hierarchies.map((h) => join("/sys/fs/cgroup", h, namespace)),
  ];
  const present = await Promise.all(candidates.map(exists));
  return candidates.filter((_, i) => present[i]);
}

describe("startContainerd", () => {
  let containerd: ContainerdInstance;
  before(async () => {
    containerd = await startContainerd({ metrics: true });
  });
  after(async () => {
    await containerd?.stop();
  });

  test("startContainerd serves version() on a private socket", async () => {
    assert.ok(containerd.address.startsWith(`${containerd.dir}/`), containerd.address);
    assert.equal(containerd.socket, containerd.address);
    assert.ok((await stat(containerd.socket)).isSocket());
    const { version } = await containerd.client.version();
    assert.match(version, /^\d+\.\d+\.\d+/);
    assert.equal(containerd.client.address, containerd.address);
  });

  test("root, state and the FIFO dir are private directories inside dir", async () => {
    for (const path of [containerd.root, containerd.state, containerd.fifoDir]) {
      assert.ok(path.startsWith(`${containerd.dir}/`), path);
      assert.ok((await stat(path)).isDirectory(), path);
    }
    assert.equal((await stat(containerd.fifoDir)).mode & 0o777, 0o700);
  });

  test("rootfs() contains a runnable busybox", async () => {
    const rootfs = await containerd.rootfs();
    assert.ok(rootfs.startsWith(`${containerd.dir}/`), rootfs);
    const { stdout } = await run(join(rootfs, "bin/sh"), ["-c", "echo ok"]);
    assert.equal(stdout, "ok\n");
    for (const applet of ["bin/busybox", "usr/bin/env", "bin/sleep", "bin/cat"]) {
      assert.ok(await exists(join(rootfs, applet)), applet);
    }
    assert.equal((await stat(join(rootfs, "tmp"))).mode & 0o7777, 0o1777);
    assert.match(await readFile(join(rootfs, "etc/passwd"), "utf8"), /^root:x:0:0:/);
  });

  test("rootfs() builds a fresh directory on every call", async () => {
    const [a, b] = await Promise.all([containerd.rootfs(), containerd.rootfs()]);
    assert.notEqual(a, b);
    await writeFile(join(a, "tmp/mark"), "a");
    assert.equal(await exists(join(b, "tmp/mark")), false);
  });

  test("a container runs on rootfs() and its output comes back", async () => {
    const rootfs = await containerd.rootfs();
    const { stdout } = await ctr(
      containerd,
      "default",
      "run",
      "--rm",
      "--fifo-dir",
      containerd.fifoDir,
      "--rootfs",
      rootfs,
      `harness-echo-${process.pid}`,
      "/bin/sh",
      "-c",
      "echo hello from busybox",
    );
    assert.equal(stdout.trim(), "hello from busybox");
  });

  test("rpcCounts() counts Version calls", async () => {
    assert.match(containerd.metricsAddress ?? "", /^127\.0\.0\.1:\d+$/);
    const before = await containerd.rpcCounts();
    for (let i = 0; i < 3; i++) await containerd.client.version();
    const delta = rpcDelta(before, await containerd.rpcCounts());
    assert.deepEqual([...delta], [["containerd.services.version.v1.Version/Version", 3]]);
  });

  test("restart() keeps the client working", async () => {
    const client = containerd.client;
    await containerd.restart();
    assert.equal(containerd.client, client);
    assert.match((await client.version()).version, /^\d+\.\d+\.\d+/);
  });

  test("restart() after a SIGKILL runs whileDown with no daemon, then serves again", async () => {
    const pidBefore = containerd.pid;
    let pidWhileDown: number | undefined = -1;
    await containerd.restart({
      killSignal: "SIGKILL",
      whileDown: () => {
        pidWhileDown = containerd.pid;
      },
    });
    assert.equal(pidWhileDown, undefined);
    assert.ok(containerd.pid && containerd.pid !== pidBefore);
    assert.match((await containerd.client.version()).version, /^\d+\.\d+\.\d+/);
  });

  test("restart({ signal }) is an InvalidArgumentError pointing to killSignal; the daemon stays up", async () => {
    const pid = containerd.pid;
    await assert.rejects(containerd.restart({ signal: "SIGKILL" } as never), {
      name: "InvalidArgumentError",
      field: "signal",
      message: /killSignal/,
    });
    await assert.rejects(containerd.restart({ killSignal: "SIGINT" as never }), { field: "killSignal" });
    assert.equal(containerd.pid, pid);
  });

  test("restart() brings back a daemon killed from outside", async () => {
    const pid = containerd.pid;
    assert.ok(pid);
    process.kill(pid, "SIGKILL");
    while (containerd.pid === pid) await new Promise((resolve) => setTimeout(resolve, 10));
    await containerd.restart();
    assert.match((await containerd.client.version()).version, /^\d+\.\d+\.\d+/);
  });

  test("restart() keeps a running container running", async () => {
    const rootfs = await containerd.rootfs();
    const id = `harness-sleep-${process.pid}`;
    const args = ["run", "-d", "--fifo-dir", containerd.fifoDir, "--rootfs", rootfs, id];
    await ctr(containerd, "default", ...args, "/bin/sleep", "1000");
    const taskLine = async () =>
      (await ctr(containerd, "default", "task", "ls")).stdout.match(new RegExp(`${id}\\s+(\\d+)\\s+(\\w+)`));
    const before = await taskLine();
    assert.equal(before?.[2], "RUNNING");
    await containerd.restart();
    const after = await taskLine();
    assert.deepEqual([after?.[1], after?.[2]], [before?.[1], "RUNNING"]);
  });
});

describe("stop()", () => {
  test("stop() leaves no process, mount or directory behind", async () => {
    const namespace = `harness-stop-${process.pid}`;
    const containerd = await startContainerd({ namespace });
    const { dir, socket } = containerd;
    const detached = async (id: string, ...cmd: string[]) => {
      const rootfs = await containerd.rootfs();
      await ctr(
        containerd,
        namespace,
        "run",
        "-d",
        "--fifo-dir",
        containerd.fifoDir,
        "--rootfs",
        rootfs,
        id,
        ...cmd,
      );
    };
    await detached("running", "/bin/sh", "-c", "sleep 1000 & sleep 1000");
    await detached("paused", "/bin/sleep", "1000");
    await ctr(containerd, namespace, "task", "pause", "paused");
    const exec = ["task", "exec", "-d", "--fifo-dir", containerd.fifoDir, "--exec-id", "e1"];
    await ctr(containerd, namespace, ...exec, "running", "/bin/sleep", "999");
    const mountPoint = join(dir, "mnt");
    await mkdir(mountPoint);
    await run("mount", ["-t", "tmpfs", "tmpfs", mountPoint]);
    assert.notDeepEqual(await cgroupDirs(namespace), []);

    await containerd.stop();

    assert.equal(await exists(dir), false, `${dir} still exists`);
    assert.deepEqual(await processesMentioning(socket), []);
    assert.deepEqual(await processesMentioning(dir), []);
    const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
    assert.equal(mountinfo.includes(dir), false, "a mount under the temp dir survived");
    assert.deepEqual(await cgroupDirs(namespace), []);
    assert.equal(await exists(join("/run/containerd/runc", namespace)), false);
  });

  test("stop() twice is harmless, and so is disposing afterwards", async () => {
    const containerd = await startContainerd();
    await Promise.all([containerd.stop(), containerd.stop()]);
    await containerd.stop();
    await containerd[Symbol.asyncDispose]();
    assert.equal(await exists(containerd.dir), false);
  });

  test("the last-resort exit listener is installed while running and removed by stop()", async () => {
    const listeners = process.listenerCount("exit");
    const containerd = await startContainerd();
    assert.equal(process.listenerCount("exit"), listeners + 1);
    await containerd.stop();
    assert.equal(process.listenerCount("exit"), listeners);
  });

  test("the Node process exits by itself after stop()", async () => {
    const script = [
      `import { startContainerd } from ${JSON.stringify(new URL("../../src/testing/index.ts", import.meta.url).href)};`,
      "const containerd = await startContainerd({ metrics: true });",
      "await containerd.client.version();",
      "await containerd.rpcCounts();",
      "await containerd.stop();",
    ].join("\n");
    const child = run(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
      { timeout: 20_000 },
    );
    const { stderr } = await child;
    assert.equal(stderr, "");
  });
});

describe("start-up failures", () => {
  test("a daemon that exits at once rejects with the tail of its log, and its dir is removed", async () => {
    const fake = join(tmpdir(), `fake-containerd-${process.pid}`);
    await writeFile(fake, "#!/bin/sh\necho 'level=fatal msg=\"boom: cannot start\"' >&2\nexit 3\n");
    await chmod(fake, 0o755);
    try {
      const err: unknown = await startContainerd({ binary: fake }).then(
        () => assert.fail("startContainerd should reject"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error);
      assert.match(err.message, /exited with code 3/);
      assert.match(err.message, /boom: cannot start/);
      const logPath = err.message.match(/tail of (\S+containerd\.log)/)?.[1];
      assert.ok(logPath, err.message);
      assert.equal(await exists(join(logPath, "..")), false);
    } finally {
      await run("rm", ["-f", fake]);
    }
  });

  test("a daemon that never serves is killed after startTimeout, and its dir is removed", async () => {
    const fake = join(tmpdir(), `silent-containerd-${process.pid}`);
    await writeFile(fake, "#!/bin/sh\nexec sleep 60\n");
    await chmod(fake, 0o755);
    try {
      const started = Date.now();
      const err: unknown = await startContainerd({ binary: fake, startTimeout: 300 }).then(
        () => assert.fail("startContainerd should reject"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error);
      assert.match(err.message, /did not serve .* within 300 ms/);
      // Not a timing figure: far below the fake's 60 s sleep, so it was killed rather than outwaited,
      // with room for a machine whose CPUs are all busy.
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
      const dir = join(err.message.match(/tail of (\S+containerd\.log)/)?.[1] ?? "/nonexistent", "..");
      assert.equal(await exists(dir), false);
      assert.deepEqual(await processesMentioning(dir), []);
    } finally {
      await run("rm", ["-f", fake]);
    }
  });

  test("a missing containerd binary is named, with the install command", async () => {
    await assert.rejects(startContainerd({ binary: "containerd-does-not-exist" }), (err: Error) => {
      assert.match(err.message, /containerd-does-not-exist not found on PATH/);
      assert.match(err.message, /apt-get install -y containerd runc/);
      return true;
    });
  });
});
