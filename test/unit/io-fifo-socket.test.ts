import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { openFifoReader, openFifoWriter } from "../../src/io/index.js";

interface Shell {
  child: ChildProcess;
  /** Resolves once the script's stdout contains `text`. */
  printed(text: string): Promise<void>;
  /** The exit code and all of stdout, once the script has closed. */
  result: Promise<{ code: number | null; stdout: string }>;
}

/** Runs `script` in sh with `args` as $1…. */
function sh(script: string, ...args: string[]): Shell {
  const child = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    child.emit("printed");
  });
  const result = new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
  const printed = async (text: string) => {
    while (!stdout.includes(text)) {
      if (child.exitCode !== null) throw new Error(`script exited before printing ${text}`);
      await once(child, "printed");
    }
  };
  return { child, printed, result };
}

/** Counts bytes (and keeps the text of small outputs) until the stream ends. */
function drain(stream: Readable): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (text.length < 1024) text += chunk.toString("utf8");
    });
    stream.once("end", () => resolve({ bytes, text }));
    stream.once("error", reject);
  });
}

const fdCount = () => readdirSync("/proc/self/fd").length;

describe("FIFO sockets", () => {
  let dir: string;
  let n = 0;
  let handlesBefore: string[];
  const handles = () =>
    process
      .getActiveResourcesInfo()
      .filter((r) => r === "Timeout" || r === "PipeWrap")
      .sort();
  const fifo = () => {
    const path = join(dir, `f${n++}`);
    execFileSync("mkfifo", ["-m", "0600", path]);
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "io-fifo-socket-"));
    handlesBefore = handles();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(handles(), handlesBefore, "no timer and no pipe handle outlives the tests");
  });

  test("stdout FIFO delivers hello\\n written by another process", async () => {
    const path = fifo();
    const reader = openFifoReader(path);
    const out = drain(reader.socket);
    const { result } = sh('echo hello > "$1"', path);
    assert.equal((await result).code, 0);
    reader.release();
    assert.equal((await out).text, "hello\n");
  });

  test("reader does not see EOF before a writer opens", async () => {
    const path = fifo();
    const reader = openFifoReader(path);
    let ended = false;
    reader.socket.once("end", () => {
      ended = true;
    });
    const out = drain(reader.socket);
    await delay(150);
    assert.equal(ended, false);
    await sh('printf late > "$1"', path).result;
    reader.release();
    assert.equal((await out).text, "late");
  });

  test("a writer that comes and goes before release() does not end the reader", async () => {
    const path = fifo();
    const reader = openFifoReader(path);
    const chunks: string[] = [];
    reader.socket.setEncoding("utf8").on("data", (c: string) => chunks.push(c));
    let ended = false;
    reader.socket.once("end", () => {
      ended = true;
    });
    await sh('printf one > "$1"', path).result;
    await delay(100);
    assert.equal(ended, false, "EOF must wait for release()");
    await sh('printf two > "$1"', path).result;
    reader.release();
    await once(reader.socket, "end");
    assert.equal(chunks.join(""), "onetwo");
  });

  test("release() with no writer ever opened ends the reader", async () => {
    const reader = openFifoReader(fifo());
    const out = drain(reader.socket);
    reader.release();
    assert.deepEqual(await out, { bytes: 0, text: "" });
  });

  test("64 MiB through a FIFO arrives complete", async () => {
    const path = fifo();
    const reader = openFifoReader(path);
    const out = drain(reader.socket);
    const { result } = sh('dd if=/dev/zero bs=1M count=64 status=none > "$1"', path);
    assert.equal((await result).code, 0);
    reader.release();
    assert.equal((await out).bytes, 64 * 1024 * 1024);
  });

  test("an unread reader holds the writer back until it is read", async () => {
    const path = fifo();
    const reader = openFifoReader(path);
    const { child, result } = sh('dd if=/dev/zero bs=64k count=32 status=none > "$1"', path);
    await delay(300);
    assert.equal(child.exitCode, null, "the writer is blocked on a full pipe");
    const out = drain(reader.socket);
    assert.equal((await result).code, 0);
    reader.release();
    assert.equal((await out).bytes, 2 * 1024 * 1024);
  });

  test("stdin written and ended before the reader opens is delivered", async () => {
    const path = fifo();
    const stdin = openFifoWriter(path);
    stdin.socket.end("hello\n");
    await once(stdin.socket, "close");
    // Our write end is gone; the placeholder alone keeps the pipe and its bytes.
    const { printed, result } = sh('exec 3< "$1"; echo open; cat <&3', path);
    await printed("open");
    stdin.release();
    assert.deepEqual(await result, { code: 0, stdout: "open\nhello\n" });
  });

  test("stdin write() returns false on a full pipe and 'drain' follows once a reader reads", async () => {
    const path = fifo();
    const stdin = openFifoWriter(path);
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let written = 0;
    let accepted = true;
    while (accepted && written < 16 * 1024 * 1024) {
      accepted = stdin.socket.write(chunk);
      written += chunk.length;
    }
    assert.equal(accepted, false, "write() reports the full pipe");
    assert.ok(written < 1024 * 1024, `a pipe holds far less than ${written} bytes`);
    const drained = once(stdin.socket, "drain");
    const { result } = sh('wc -c < "$1"', path);
    await drained;
    stdin.socket.end();
    stdin.release();
    const { code, stdout } = await result;
    assert.equal(code, 0);
    assert.equal(Number(stdout.trim()), written);
  });

  test("the reader of stdin sees EOF only once stdin is ended and released", async () => {
    const path = fifo();
    const stdin = openFifoWriter(path);
    const { printed, result } = sh('exec 3< "$1"; echo open; cat <&3; echo eof', path);
    await printed("open");
    stdin.socket.end("bye\n");
    await once(stdin.socket, "close");
    await printed("bye");
    await delay(50);
    assert.equal(
      await Promise.race([result, delay(0, "pending")]),
      "pending",
      "the placeholder holds EOF back",
    );
    stdin.release();
    assert.deepEqual(await result, { code: 0, stdout: "open\nbye\neof\n" });
  });

  test("a path that is not a FIFO is refused without leaking an fd", async () => {
    const file = join(dir, "plain");
    await writeFile(file, "x");
    const before = fdCount();
    assert.throws(
      () => openFifoReader(file, "stderr"),
      (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.equal(err.field, "stderr");
        return true;
      },
    );
    assert.throws(() => openFifoWriter(file), InvalidArgumentError);
    assert.throws(() => openFifoReader(join(dir, "missing")), { code: "ENOENT" });
    assert.equal(fdCount(), before);
  });

  test("release() and destroy() are idempotent and close every fd", async () => {
    const path = fifo();
    const before = fdCount();
    const reader = openFifoReader(path);
    const writer = openFifoWriter(path);
    assert.equal(fdCount(), before + 4, "reader, writer and a placeholder for each");
    reader.release();
    reader.release();
    assert.equal(fdCount(), before + 3);
    reader.destroy();
    reader.destroy();
    writer.destroy();
    writer.destroy();
    await Promise.all([once(reader.socket, "close"), once(writer.socket, "close")]);
    assert.equal(fdCount(), before);
  });
});
