import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { logLayout } from "../../src/logs/layout.js";
import { checkLogOption, checkLogsOptions } from "../../src/logs/options.js";
import { loggerScript } from "../../src/logs/script.js";
import { withTaskLog } from "../../src/logs/task-log.js";
import { formatNs } from "../../src/logs/timestamp.js";

function throwsField(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => err instanceof InvalidArgumentError && err.field === field);
}

describe("log options", () => {
  test("log: true takes Docker's usual limits", () => {
    assert.deepEqual(checkLogOption(true), { maxSize: 10 * 1024 * 1024, maxFiles: 3, path: undefined });
  });

  test("a negative maxSize, a zero maxFiles or a relative path is rejected, naming the field", () => {
    throwsField(() => checkLogOption({ maxSize: -1 }), "log.maxSize");
    throwsField(() => checkLogOption({ maxFiles: 0 }), "log.maxFiles");
    throwsField(() => checkLogOption({ path: "logs/app.log" }), "log.path");
    throwsField(() => checkLogOption("yes"), "log");
  });

  test("log with a remote containerd, with logPath, or with piped stdio is refused before anything is made", async () => {
    const never = () => Promise.reject(new Error("created"));
    const rejects = (target: { remote?: boolean }, options: Record<string, unknown>, field: string) =>
      assert.rejects(withTaskLog({ namespace: "n", id: "c", ...target }, options, never), (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError, String(err));
        assert.equal(err.field, field);
        return true;
      });
    await rejects({ remote: true }, { log: true }, "log");
    await rejects({}, { log: true, logPath: "/var/log/x" }, "log");
    await rejects({}, { log: true, stdio: "pipe" }, "stdio");
  });

  test("logs() options are checked", () => {
    throwsField(() => checkLogsOptions({ tail: -1 }), "tail");
    throwsField(() => checkLogsOptions({ since: new Date("nope") }), "since");
    throwsField(() => checkLogsOptions({ follow: "yes" }), "follow");
    assert.deepEqual([...checkLogsOptions({ stderr: false }).streams], ["stdout"]);
  });

  test("times have nine fractional digits, as RFC 3339 Nano", () => {
    assert.equal(formatNs(1714557600123456789n), "2024-05-01T10:00:00.123456789Z");
    assert.equal(formatNs(1714557600000000001n), "2024-05-01T10:00:00.000000001Z");
  });

  test("the logger script quotes its paths for sh", () => {
    const script = loggerScript(logLayout("/var/lib/it's here"), ["/usr/bin/node", "/opt/d.js"], true);
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.ok(script.includes(`'/var/lib/it'\\''s here/.hold'`));
    assert.ok(script.includes(`'/usr/bin/node' '/opt/d.js' '/var/lib/it'\\''s here'`));
    assert.ok(script.includes(`exec '/var/lib/it'\\''s here/.holder' "$0" "$@"`));
  });

  test("without the holder the logger script waits in sh", () => {
    const script = loggerScript(logLayout("/var/lib/logs"), ["/usr/bin/node"], false);
    assert.ok(!script.includes(".holder"));
    assert.match(script, /while \[ -p '\/var\/lib\/logs\/.hold' \]/);
  });
});
