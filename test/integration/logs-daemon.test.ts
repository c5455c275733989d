import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { LogEntry, NewTaskOptions } from "../../src/index.js";
import { useDaemon } from "../fixtures.js";
import { collect, logDaemonPids, startLogging, until, useLogDir } from "../logs-fixtures.js";

const d = useDaemon();
const root = useLogDir("logs-daemon-");

const logging = (script: string, options?: NewTaskOptions) => startLogging(d, script, options);

/** The pids of the loggers announced in the log directory. */
const loggerPids = async () => (await readdir(join(root(), ".loggers"))).map(Number);
const alive = (pid: number) =>
  stat(`/proc/${pid}`).then(
    () => true,
    () => false,
  );
const numbers = (entries: LogEntry[]) => entries.map((e) => Number(e.data.slice(0, 9)));

describe("the logging daemon", () => {
  test("a 10 MiB burst with maxSize 1 MiB and maxFiles 3 keeps 3 files, the newest content intact", async () => {
    const lines = 10 * 1024; // 1 KiB each
    const script = `awk 'BEGIN { pad = sprintf("%1014s", ""); for (i = 1; i <= ${lines}; i++) printf "%09d%s\\n", i, pad }'`;
    const { c, task } = await logging(script, { log: { maxSize: 1024 * 1024, maxFiles: 3 } });
    await task.wait();
    const dir = join(root(), d.client.namespace, c.id);
    const files = (await readdir(dir)).filter((f) => f.startsWith("json.log"));
    assert.deepEqual(files.sort(), ["json.log", "json.log.1", "json.log.2"]);
    for (const f of files) assert.ok((await stat(join(dir, f))).size <= 1024 * 1024, `${f} is at most 1 MiB`);
    const entries = await collect(c.logs());
    const got = numbers(entries);
    assert.equal(got.at(-1), lines, "the last line is there");
    assert.ok(got.length > 1900, `two full files at least (${got.length} entries)`);
    assert.deepEqual(
      got,
      Array.from({ length: got.length }, (_, i) => lines - got.length + 1 + i),
      "consecutive",
    );
    for (const e of entries) assert.equal(e.data.length, 1024);
    assert.deepEqual(numbers(await collect(c.logs({ tail: 2 }))), [lines - 1, lines]);
  });

  test("the logger leaves no process behind after task delete", async () => {
    const before = new Set(await loggerPids());
    const { c, task } = await logging("echo hi; sleep 1000");
    const [pid] = (await loggerPids()).filter((p) => !before.has(p));
    assert.ok(pid && (await alive(pid)), "the task's logger runs");
    await task.delete({ force: true });
    await until(async () => !(await alive(pid)), "the logger to exit");
    assert.ok(!(await loggerPids()).includes(pid), "its announcement is gone");
    assert.deepEqual(
      (await collect(c.logs())).map((e) => e.data),
      ["hi\n"],
    );
  });

  test("a killed daemon is restarted by the loggers and takes their pipes again, losing nothing", async () => {
    const { c, task } = await logging(
      "i=0; while [ $i -lt 40 ]; do i=$((i+1)); printf '%09d\\n' $i; sleep 0.1; done",
    );
    const [first] = logDaemonPids(root());
    assert.ok(first, "a daemon runs");
    await until(async () => (await collect(c.logs())).length >= 5, "some lines");
    process.kill(first, "SIGKILL");
    await until(() => logDaemonPids(root()).some((p) => p !== first), "a new daemon");
    await task.wait();
    // The lines written meanwhile wait in the pipes until the new daemon has taken them.
    const all = Array.from({ length: 40 }, (_, i) => i + 1);
    const complete = async () => numbers(await collect(c.logs())).length >= all.length;
    await until(complete, "every line", 60_000);
    const got = numbers(await collect(c.logs()));
    assert.deepEqual(got, all);
  });

  test("follow ends with the end record when the task is deleted", async () => {
    const { c, task } = await logging("echo up; sleep 1000");
    const entries: LogEntry[] = [];
    const following = (async () => {
      for await (const e of c.logs({ follow: true })) entries.push(e);
    })();
    await until(() => entries.length === 1, "the first line");
    await task.delete({ force: true });
    await following;
    assert.deepEqual(
      entries.map((e) => e.data),
      ["up\n"],
    );
  });
});
