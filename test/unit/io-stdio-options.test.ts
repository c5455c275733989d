import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { binaryLogUri, fileLogUri, openStdio, type StdioSpec } from "../../src/io/index.js";

describe("stdio options", () => {
  let root: string;
  let fifoDir: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "io-stdio-options-"));
    fifoDir = join(root, "fifo");
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** Expects openStdio to reject with an InvalidArgumentError naming `field`, having made nothing. */
  async function rejects(opts: StdioSpec & { id?: string }, field: string) {
    await assert.rejects(openStdio({ fifoDir, id: "web", ...opts }), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.equal(err.field, field);
      return true;
    });
    await assert.rejects(stat(fifoDir), { code: "ENOENT" }, "nothing was created");
  }

  test("logPath must be absolute", async () => {
    await rejects({ logPath: "logs/web.log" }, "logPath");
  });

  test("logBinary.path must be absolute", async () => {
    await rejects({ logBinary: { path: "bin/logger" } }, "logBinary.path");
  });

  test("logPath and logBinary together are rejected", async () => {
    await rejects({ logPath: "/var/log/web.log", logBinary: { path: "/bin/logger" } }, "logBinary");
  });

  test("logPath with stdio pipe is rejected", async () => {
    await rejects({ logPath: "/var/log/web.log", stdio: "pipe" }, "stdio");
  });

  test("logPath with a stdin stream is rejected", async () => {
    await rejects({ logPath: "/var/log/web.log", stdio: { stdin: "pipe" } }, "stdio");
  });

  test("terminal with a separate stderr stream is rejected", async () => {
    await rejects({ terminal: true, stdio: { stdout: "pipe", stderr: new PassThrough() } }, "stdio.stderr");
    await rejects({ terminal: true, stdio: { stderr: "pipe" } }, "stdio.stderr");
  });

  test("an unknown stdio value names the field", async () => {
    await rejects({ stdio: "inherits" as never }, "stdio");
    await rejects({ stdio: { stdout: "inherit" as never } }, "stdio.stdout");
    await rejects({ stdio: { stdin: 42 as never } }, "stdio.stdin");
  });

  test("fifoDir must be absolute", async () => {
    await assert.rejects(openStdio({ fifoDir: "fifo", id: "web", stdio: "pipe" }), { field: "fifoDir" });
  });

  test("an id that is not an identifier is rejected", async () => {
    await rejects({ id: "a/b", stdio: "pipe" }, "id");
  });

  test("logPath makes file:// URIs for stdout and stderr, no stdin and no FIFOs", async () => {
    const io = await openStdio({ fifoDir, id: "web", logPath: "/var/log/web.log" });
    assert.deepEqual(io.config, {
      stdin: "",
      stdout: "file:///var/log/web.log",
      stderr: "file:///var/log/web.log",
      terminal: false,
    });
    assert.equal(io.stdout, null);
    await io.done;
    await io.close();
    await assert.rejects(stat(fifoDir), { code: "ENOENT" });
  });

  test("logBinary makes a binary:// URI with sorted, encoded args", async () => {
    const io = await openStdio({
      fifoDir,
      id: "web",
      logBinary: { path: "/usr/bin/logger", args: { tag: "web app", a: "1&2" } },
    });
    const uri = "binary:///usr/bin/logger?a=1%262&tag=web+app";
    assert.deepEqual(io.config, { stdin: "", stdout: uri, stderr: uri, terminal: false });
    const parsed = new URL(uri);
    assert.equal(parsed.pathname, "/usr/bin/logger");
    assert.equal(parsed.searchParams.get("tag"), "web app");
  });

  test("log URIs percent-encode the path", () => {
    assert.equal(fileLogUri("/var/log/my app#1.log"), "file:///var/log/my%20app%231.log");
    assert.equal(binaryLogUri({ path: "/opt/log ger" }), "binary:///opt/log%20ger");
  });
});
