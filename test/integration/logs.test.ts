import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import {
  type Container,
  InvalidArgumentError,
  type LogEntry,
  type NewTaskOptions,
  NotFoundError,
} from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";
import { collect, startLogging, useLogDir } from "../logs-fixtures.js";

const d = useDaemon();
// After the daemon's: its teardown deletes the tasks first, so the loggers are gone when the logging daemon stops.
const root = useLogDir("logs-");

const logging = (script: string, options?: NewTaskOptions) => startLogging(d, script, options);

const text = (entries: LogEntry[]) => entries.map((e) => e.data);

describe("container logs", () => {
  test("logs written while no client was attached are read by a new process, stdout and stderr apart", async () => {
    const id = uniqueId("child");
    const script = "echo out1; echo err1 >&2; sleep 1; echo out2; echo err2 >&2";
    const args = [d.ctr.address, d.ctr.fifoDir, d.client.namespace, id, d.rootfs, script];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "test/children/logs-child.ts", ...args],
      { timeout: 60_000 },
    );
    assert.match(stdout, /^started \d+/);
    const c = await d.client.containers.load(id);
    const task = await c.task();
    d.defer(async () => {
      await task.delete({ force: true }).catch(() => undefined);
      await c.delete().catch(() => undefined);
    });
    await task.wait();
    const entries = await collect(c.logs());
    assert.deepEqual(text(entries.filter((e) => e.stream === "stdout")), ["out1\n", "out2\n"]);
    assert.deepEqual(text(entries.filter((e) => e.stream === "stderr")), ["err1\n", "err2\n"]);
    for (const e of entries)
      assert.ok(e.time instanceof Date && Math.abs(Date.now() - e.time.getTime()) < 120_000);
    const time = (data: string) => entries.find((e) => e.data === data)?.time.getTime() ?? Number.NaN;
    assert.ok(time("out2\n") - time("out1\n") >= 900, "out2 was written a second after out1");
    assert.deepEqual(text(await collect(c.logs({ stderr: false }))), ["out1\n", "out2\n"]);
  });

  test("tail: n gives the last n entries", async () => {
    const { c, task } = await logging("for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; done");
    await task.wait();
    assert.deepEqual(text(await collect(c.logs({ tail: 3 }))), ["8\n", "9\n", "10\n"]);
    assert.deepEqual(text(await collect(c.logs({ tail: 0 }))), []);
    assert.equal((await collect(c.logs({ tail: 100 }))).length, 10);
  });

  test("since and until keep the entries of a time range", async () => {
    const { c, task } = await logging("echo a; sleep 1; echo b; sleep 1; echo c");
    await task.wait();
    const all = await collect(c.logs());
    const b = all.find((e) => e.data === "b\n")?.time as Date;
    assert.deepEqual(text(await collect(c.logs({ since: b }))), ["b\n", "c\n"]);
    assert.deepEqual(text(await collect(c.logs({ until: b }))), ["a\n"]);
  });

  test("follow with tail 0 yields only new lines, and ends when the task exits", async () => {
    const { c } = await logging("echo old; sleep 3; echo new1; echo new2 >&2; sleep 1");
    while ((await collect(c.logs())).length === 0) await new Promise((r) => setTimeout(r, 100));
    const [onlyNew, all] = await Promise.all([
      collect(c.logs({ follow: true, tail: 0 })),
      collect(c.logs({ follow: true })),
    ]);
    assert.deepEqual(text(onlyNew), ["new1\n", "new2\n"]);
    assert.deepEqual(
      onlyNew.map((e) => e.stream),
      ["stdout", "stderr"],
    );
    assert.deepEqual(text(all), ["old\n", "new1\n", "new2\n"], "the history once, then the new lines");
  });

  test("follow ends when its signal aborts", async () => {
    const { c } = await logging("while true; do echo tick; sleep 0.2; done");
    const controller = new AbortController();
    const seen: LogEntry[] = [];
    for await (const entry of c.logs({ follow: true, signal: controller.signal })) {
      seen.push(entry);
      if (seen.length === 3) controller.abort();
    }
    assert.equal(seen.length, 3);
  });

  test("a log path of one's own is written and found by another handle", async () => {
    const path = join(root(), "custom", "app.log");
    const { c, task } = await logging("echo custom", { log: { path } });
    await task.wait();
    const again = await d.client.containers.load(c.id);
    assert.deepEqual(text(await collect(again.logs())), ["custom\n"]);
    assert.ok((await stat(path)).size > 0);
  });

  test("bad log options are InvalidArgumentError naming the field, before anything is made", async () => {
    const c = await d.client.containers.create(uniqueId("bad"), { rootfs: d.rootfs, args: ["/bin/true"] });
    d.defer(() => c.delete());
    const rejects = (log: unknown, field: string) =>
      assert.rejects(c.newTask({ log } as Parameters<Container["newTask"]>[0]), (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError, String(err));
        assert.equal(err.field, field);
        return true;
      });
    await rejects({ maxSize: -1 }, "log.maxSize");
    await rejects({ path: "relative/app.log" }, "log.path");
    await rejects({ maxFiles: 1.5 }, "log.maxFiles");
    await assert.rejects(c.newTask({ log: true, stdio: "pipe" }), { field: "stdio" });
    await assert.rejects(collect(c.logs({ tail: -2 })), { field: "tail" });
    await assert.rejects(stat(join(root(), d.client.namespace, c.id)), { code: "ENOENT" });
  });

  test("deleting the container removes its logs", async () => {
    const { c, task } = await logging("echo bye");
    await task.wait();
    await task.delete();
    assert.equal((await collect(c.logs())).length, 1);
    await c.delete();
    await assert.rejects(collect(c.logs()), NotFoundError);
    assert.ok(!(await readdir(join(root(), d.client.namespace))).includes(c.id));
  });
});
