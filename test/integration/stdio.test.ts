import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readAll, readUntil, uniqueId, untilFile, useDaemon } from "../fixtures.js";

describe("task stdio", () => {
  const d = useDaemon();

  async function piped(args: string[], extra: Record<string, unknown> = {}) {
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args, ...extra });
    const task = await container.newTask({ stdio: "pipe" });
    return { container, task };
  }

  test('stdout of `echo hello` arrives as "hello\\n" and stderr is a separate stream', async () => {
    const { container, task } = await piped(["/bin/sh", "-c", "echo hello; echo oops >&2"]);
    const [out, err] = [readAll(task.stdout), readAll(task.stderr)];
    await task.start();
    await task.wait();
    await task.delete();
    assert.equal(await out, "hello\n");
    assert.equal(await err, "oops\n");
    await container.delete();
  });

  test("64 MiB of stdout arrives complete", async () => {
    const { container, task } = await piped([
      "/bin/sh",
      "-c",
      "dd if=/dev/zero bs=1048576 count=64 2>/dev/null",
    ]);
    let bytes = 0;
    const counted = (async () => {
      for await (const chunk of task.stdout ?? []) bytes += (chunk as Buffer).length;
    })();
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    await counted;
    assert.equal(bytes, 64 * 1024 * 1024);
    await container.delete();
  });

  test("stdin piped into cat comes back on stdout, and closeStdin() makes cat exit 0", async () => {
    const { container, task } = await piped(["/bin/cat"]);
    const out = readAll(task.stdout);
    await task.start();
    task.stdin?.write("first line\n");
    task.stdin?.write("second line\n");
    await task.closeStdin();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    assert.equal(await out, "first line\nsecond line\n");
    await container.delete();
  });

  test("terminal: true with resize() works and the TTY output is complete", async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      // Waits for a line on stdin, sent after the resize, so the size it prints is the new one.
      args: ["/bin/sh", "-c", "read go; stty size; seq 1 2000"],
      terminal: true,
    });
    const task = await container.newTask({ stdio: "pipe" });
    assert.equal(task.stderr, null);
    const out = readAll(task.stdout);
    await task.start();
    await task.resize(100, 40);
    task.stdin?.write("go\n");
    await task.wait();
    await task.delete();
    const text = (await out).replaceAll("\r\n", "\n");
    // The pty echoes what stdin typed ("go") before the program's own output.
    assert.ok(text.replace(/^go\n/, "").startsWith("40 100\n"), JSON.stringify(text.slice(0, 40)));
    assert.ok(text.endsWith("1999\n2000\n"), JSON.stringify(text.slice(-20)));
    await container.delete();
  });

  test("reload: task({ attach: true }) re-attaches stdio; more stdin arrives and closeStdin() ends cat", async () => {
    const { container, task } = await piped(["/bin/cat"]);
    await task.start();
    task.stdin?.write("before\n");
    const first = await readUntil(task.stdout as NonNullable<typeof task.stdout>, "before\n");
    await task.detach();

    const loaded = await d.client.containers.load(container.id);
    const again = await loaded.task({ attach: true });
    assert.equal(again.pid, task.pid);
    const rest = readAll(again.stdout);
    again.stdin?.write("after\n");
    await again.closeStdin();
    assert.equal((await again.wait()).exitCode, 0);
    await again.delete();
    assert.equal(first + (await rest), "before\nafter\n");
    await loaded.delete();
  });

  test("logPath appends stdout and stderr to a file", async () => {
    const { readFile } = await import("node:fs/promises");
    const logPath = `${d.ctr.dir}/${uniqueId("log")}.log`;
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "echo to-log"],
    });
    const task = await container.newTask({ logPath });
    await task.start();
    await task.wait();
    await task.delete();
    assert.equal(await readFile(logPath, "utf8"), "to-log\n");
    await container.delete();
  });

  test("a caller's Readable as stdin reaches the process, and its end is EOF", async () => {
    const { Readable } = await import("node:stream");
    const container = await d.client.containers.create(uniqueId(), { rootfs: d.rootfs, args: ["/bin/cat"] });
    const task = await container.newTask({
      stdio: { stdin: Readable.from(["one\n", "two\n"]), stdout: "pipe" },
    });
    const out = readAll(task.stdout);
    await task.start();
    assert.equal((await task.wait()).exitCode, 0);
    await task.delete();
    assert.equal(await out, "one\ntwo\n");
    await container.delete();
  });

  test("a logging binary receives stdout on fd 3 and stderr on fd 4", async () => {
    const { chmod, writeFile } = await import("node:fs/promises");
    const out = `${d.ctr.dir}/${uniqueId("bin")}`;
    const logger = `${out}.sh`;
    // containerd's binary logging protocol: fd 3 stdout, fd 4 stderr, close fd 5 when ready.
    await writeFile(logger, `#!/bin/sh\nexec 5>&-\ncat <&3 >"${out}.out" &\ncat <&4 >"${out}.err"\nwait\n`);
    await chmod(logger, 0o755);
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/sh", "-c", "echo to-out; echo to-err >&2"],
    });
    const task = await container.newTask({ logBinary: { path: logger, args: { tag: "t1" } } });
    await task.start();
    await task.wait();
    await task.delete();
    await container.delete();
    // The logger exits once the shim closes its pipes; its files fill in when it flushes.
    assert.equal(await untilFile(`${out}.out`, (t) => t.includes("to-out\n")), "to-out\n");
    assert.equal(await untilFile(`${out}.err`, (t) => t.includes("to-err\n")), "to-err\n");
  });

  test("caller-supplied streams receive the output", async () => {
    const { PassThrough } = await import("node:stream");
    const stdout = new PassThrough();
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/echo", "mine"],
    });
    const task = await container.newTask({ stdio: { stdout } });
    const out = readAll(stdout);
    await task.start();
    await task.wait();
    await task.delete();
    assert.equal(await out, "mine\n");
    await container.delete();
  });
});
