import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { attachStdio, createFifoSet, openStdio } from "../../src/io/index.js";

interface Shell {
  child: ChildProcess;
  /** Resolves once the script's stdout contains `text`. */
  printed(text: string): Promise<void>;
  result: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Runs `script` in sh with `args` as $1…; stands in for the shim's side of the FIFOs. */
function sh(script: string, ...args: string[]): Shell {
  const child = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
    child.emit("printed");
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((res, rej) => {
    child.on("error", rej);
    child.on("close", (code) => res({ code, stdout, stderr }));
  });
  const printed = async (want: string) => {
    while (!stdout.includes(want)) {
      if (child.exitCode !== null) throw new Error(`script exited before printing ${want}`);
      await once(child, "printed");
    }
  };
  return { child, printed, result };
}

/** Collects a stream's text; `ended` resolves at its end, `has(text)` once that much has arrived. */
function reading(stream: Readable | null): { has(want: string): Promise<void>; ended: Promise<string> } {
  assert.ok(stream, "expected a stream");
  let out = "";
  stream.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  const ended = new Promise<string>((res, rej) => {
    stream.once("end", () => res(out));
    stream.once("error", rej);
  });
  const has = async (want: string) => {
    while (!out.includes(want)) {
      if (stream.readableEnded)
        throw new Error(`stream ended before ${JSON.stringify(want)}; got ${JSON.stringify(out)}`);
      await Promise.race([once(stream, "data"), ended]);
    }
  };
  return { has, ended };
}

/** Collects a stream's text; resolves at its end. */
function text(stream: Readable | null): Promise<string> {
  return reading(stream).ended;
}

/** A Writable that keeps what it is given. */
function sink(): Writable & { text: string; finishes: number } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.text += chunk.toString("utf8");
      cb();
    },
  }) as Writable & { text: string; finishes: number };
  w.text = "";
  w.finishes = 0;
  w.on("finish", () => {
    w.finishes++;
  });
  return w;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const ac = new AbortController();
  try {
    return await Promise.race([
      promise,
      delay(ms, undefined, { signal: ac.signal }).then(() => {
        throw new Error(`${what} took more than ${ms} ms`);
      }),
    ]);
  } finally {
    ac.abort();
  }
}

const fdCount = () => readdirSync("/proc/self/fd").length;
const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === "Timeout" || r === "PipeWrap")
    .sort();

describe("openStdio and attachStdio", () => {
  let root: string;
  let fifoDir: string;
  let handlesBefore: string[];
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "io-stdio-"));
    fifoDir = join(root, "fifo");
    handlesBefore = handles();
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    assert.deepEqual(handles(), handlesBefore, "no timer and no pipe handle outlives the tests");
  });

  test("ignore makes null IO and no dir", async () => {
    for (const stdio of [undefined, "ignore", { stdin: "ignore", stdout: "ignore" }] as const) {
      const io = await openStdio({ fifoDir, id: "web", stdio });
      assert.deepEqual(io.config, { stdin: "", stdout: "", stderr: "", terminal: false });
      assert.equal(io.stdin, null);
      assert.equal(io.stdout, null);
      assert.equal(io.stderr, null);
      io.attached();
      await io.done;
      await io.stdinClosed;
      await io.close();
    }
    await assert.rejects(stat(fifoDir), { code: "ENOENT" });
  });

  test("pipe makes three FIFOs in a fresh dir under fifoDir and three streams", async () => {
    const io = await openStdio({ fifoDir, id: "web", stdio: "pipe" });
    try {
      const dir = dirname(io.config.stdin);
      assert.equal(dirname(dir), fifoDir);
      assert.deepEqual(io.config, {
        stdin: join(dir, "web-stdin"),
        stdout: join(dir, "web-stdout"),
        stderr: join(dir, "web-stderr"),
        terminal: false,
      });
      for (const path of [io.config.stdin, io.config.stdout, io.config.stderr]) {
        assert.ok((await stat(path)).isFIFO());
      }
      assert.ok(io.stdin && io.stdout && io.stderr);
    } finally {
      await io.close();
    }
  });

  test("terminal with pipe has stdin and stdout but no stderr", async () => {
    const io = await openStdio({ fifoDir, id: "tty", stdio: "pipe", terminal: true });
    try {
      assert.equal(io.config.stderr, "");
      assert.equal(io.config.terminal, true);
      assert.equal(io.stderr, null);
      assert.deepEqual((await readdir(dirname(io.config.stdout))).sort(), ["tty-stdin", "tty-stdout"]);
    } finally {
      await io.close();
    }
  });

  test("stdin written before the reader opens comes back on stdout", async () => {
    const io = await openStdio({ fifoDir, id: "echo", stdio: "pipe" });
    const out = reading(io.stdout);
    assert.ok(io.stdin);
    await new Promise<void>((res, rej) => io.stdin?.write("hello\n", (err) => (err ? rej(err) : res())));
    io.stdin.end();
    const shim = sh('cat "$1" > "$2"', io.config.stdin, io.config.stdout);
    // Output proves the stand-in shim holds both FIFOs, as the real one does once Tasks.Create returns.
    await out.has("hello\n");
    io.attached();
    await io.stdinClosed;
    assert.equal(await out.ended, "hello\n");
    assert.equal((await shim.result).code, 0);
    await io.done;
    await io.close();
  });

  test("stdin from a Readable that ends before the shim opens it is delivered", async () => {
    const io = await openStdio({
      fifoDir,
      id: "feed",
      stdio: { stdin: Readable.from(["a\n", "b\n"]), stdout: "pipe" },
    });
    assert.equal(io.stdin, null, "a caller's Readable is not exposed");
    const out = reading(io.stdout);
    let stdinClosed = false;
    void io.stdinClosed.then(() => {
      stdinClosed = true;
    });
    await delay(50);
    assert.equal(stdinClosed, false, "stdinClosed waits for attached()");
    const shim = sh('cat "$1" > "$2"', io.config.stdin, io.config.stdout);
    await out.has("a\nb\n");
    io.attached();
    await io.stdinClosed;
    assert.equal(await out.ended, "a\nb\n");
    assert.equal((await shim.result).code, 0);
    await io.close();
  });

  test("done waits for both stdout and stderr", async () => {
    const io = await openStdio({ fifoDir, id: "both", stdio: { stdout: "pipe", stderr: "pipe" } });
    const [out, err] = [text(io.stdout), text(io.stderr)];
    let done = false;
    void io.done.then(() => {
      done = true;
    });
    // Like the shim: hold both FIFOs, close stdout first and stderr only when told (a line on stdin).
    const shim = sh(
      'exec 3> "$1" 4> "$2"; echo ready; printf out >&3; exec 3>&-; read go; printf err >&4',
      io.config.stdout,
      io.config.stderr,
    );
    await shim.printed("ready");
    io.attached();
    assert.equal(await out, "out");
    await delay(20);
    assert.equal(done, false, "stderr is still open");
    shim.child.stdin?.end("go\n");
    assert.equal(await err, "err");
    await io.done;
    assert.equal((await shim.result).code, 0);
    await io.close();
  });

  test("a caller Writable receives stdout and is ended", async () => {
    const out = sink();
    const io = await openStdio({ fifoDir, id: "sink", stdio: { stdout: out } });
    assert.equal(io.stdout, null);
    await sh('seq 1 3 > "$1"', io.config.stdout).result;
    io.attached();
    await io.done;
    assert.equal(out.text, "1\n2\n3\n");
    assert.equal(out.finishes, 1);
    await io.close();
  });

  test("one Writable for stdout and stderr is ended once, after both", async () => {
    const out = sink();
    const io = await openStdio({ fifoDir, id: "merged", stdio: { stdout: out, stderr: out } });
    await sh('printf "o\\n" > "$1"; printf "e\\n" > "$2"', io.config.stdout, io.config.stderr).result;
    io.attached();
    await io.done;
    assert.deepEqual(out.text.split("\n").sort(), ["", "e", "o"]);
    assert.equal(out.finishes, 1);
    await io.close();
  });

  test("an unwanted stderr still gets a FIFO (containerd 1.6 needs both) and is drained", async () => {
    const out = sink();
    const io = await openStdio({ fifoDir, id: "half", stdio: { stdout: out } });
    assert.notEqual(io.config.stderr, "");
    assert.equal(io.stderr, null);
    const shim = sh(
      'printf kept > "$1"; dd if=/dev/zero bs=64k count=16 status=none > "$2"',
      io.config.stdout,
      io.config.stderr,
    );
    assert.equal((await withTimeout(shim.result, 5000, "the writer")).code, 0);
    io.attached();
    await io.done;
    assert.equal(out.text, "kept");
    await io.close();
  });

  test("a terminal with only stdin still gets a stdout FIFO", async () => {
    const io = await openStdio({ fifoDir, id: "ttyin", terminal: true, stdio: { stdin: "pipe" } });
    assert.notEqual(io.config.stdin, "");
    assert.notEqual(io.config.stdout, "");
    assert.equal(io.config.stderr, "");
    assert.equal(io.stdout, null);
    await io.close();
  });

  test("a failing caller Writable does not stall the writer", async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error("disk full"));
      },
    });
    const errors: Error[] = [];
    broken.on("error", (err) => errors.push(err));
    const io = await openStdio({ fifoDir, id: "broken", stdio: { stdout: broken } });
    const writer = sh('dd if=/dev/zero bs=64k count=64 status=none > "$1"', io.config.stdout);
    assert.equal((await withTimeout(writer.result, 5000, "the writer")).code, 0);
    io.attached();
    await io.done;
    assert.equal(errors[0]?.message, "disk full");
    await io.close();
  });

  test("close() removes the FIFO dir, closes every fd, settles done and is idempotent", async () => {
    const fds = fdCount();
    const io = await openStdio({ fifoDir, id: "closing", stdio: "pipe" });
    const dir = dirname(io.config.stdout);
    assert.ok(fdCount() > fds);
    await Promise.all([io.close(), io.close()]);
    await io.close();
    await io.done;
    await io.stdinClosed;
    await assert.rejects(stat(dir), { code: "ENOENT" });
    assert.equal(fdCount(), fds);
    assert.ok(io.stdout?.destroyed);
  });

  test("failed open removes the FIFO dir and leaks no fd", async () => {
    // A mkfifo that makes regular files: the set is made, then opening its "FIFOs" fails.
    const bin = join(root, "bin");
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, "mkfifo"), '#!/bin/sh\nshift 2\nfor f; do : > "$f"; done\n');
    await chmod(join(bin, "mkfifo"), 0o755);
    const failingDir = join(root, "failing");
    const fds = fdCount();
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      await assert.rejects(
        openStdio({ fifoDir: failingDir, id: "web", stdio: "pipe" }),
        InvalidArgumentError,
      );
    } finally {
      process.env.PATH = path;
    }
    assert.deepEqual(await readdir(failingDir), []);
    assert.equal(fdCount(), fds);
  });

  test("opening 8 FIFO sets that no writer opens does not block fs.readFile", async () => {
    const file = join(root, "plain.txt");
    await writeFile(file, "still here");
    const ios = await withTimeout(
      Promise.all(Array.from({ length: 8 }, (_, i) => openStdio({ fifoDir, id: `idle${i}`, stdio: "pipe" }))),
      5000,
      "opening 8 FIFO sets",
    );
    try {
      // libuv has four pool threads: a blocking open per FIFO would have taken them all.
      const reads = Array.from({ length: 8 }, () => readFile(file, "utf8"));
      assert.deepEqual(
        await withTimeout(Promise.all(reads), 2000, "fs.readFile"),
        Array(8).fill("still here"),
      );
    } finally {
      await Promise.all(ios.map((io) => io.close()));
    }
  });

  test("attachStdio reads an existing process's FIFOs and leaves them in place", async () => {
    const set = await createFifoSet({
      fifoDir,
      id: "again",
      stdin: true,
      stdout: true,
      stderr: true,
      terminal: false,
    });
    try {
      // The shim's side of a running process: it holds stdout and stdin (each with both ends, as the
      // real shim keeps a reader of stdout and a writer of stdin) and copies one line across.
      const shim = sh('exec 3<> "$2" 5<> "$1"; echo ready; head -n 1 <&5 >&3', set.stdin, set.stdout);
      await shim.printed("ready");
      const io = await attachStdio({
        stdio: "pipe",
        config: { stdin: set.stdin, stdout: set.stdout, stderr: set.stderr, terminal: false },
      });
      io.attached();
      const out = text(io.stdout);
      io.stdin?.end("again\n");
      assert.equal(await out, "again\n");
      assert.equal((await shim.result).code, 0);
      await io.close();
      assert.ok((await stat(set.stdout)).isFIFO(), "the FIFOs belong to whoever made them");
    } finally {
      await set.remove();
    }
  });

  test("attachStdio with removeOnClose removes the FIFOs and their dir", async () => {
    const set = await createFifoSet({
      fifoDir,
      id: "owned",
      stdin: false,
      stdout: true,
      stderr: true,
      terminal: false,
    });
    const io = await attachStdio({
      stdio: { stdout: "pipe" },
      config: { stdin: "", stdout: set.stdout, stderr: set.stderr, terminal: false },
      removeOnClose: true,
    });
    assert.equal(io.stderr, null);
    await io.close();
    await assert.rejects(stat(set.dir), { code: "ENOENT" });
  });

  test("attachStdio has nothing to open for log URIs and empty paths", async () => {
    const io = await attachStdio({
      stdio: "pipe",
      config: { stdin: "", stdout: "file:///var/log/x.log", stderr: "binary:///bin/log", terminal: false },
    });
    assert.equal(io.stdin, null);
    assert.equal(io.stdout, null);
    assert.equal(io.stderr, null);
    assert.equal(io.config.stdout, "file:///var/log/x.log");
    await io.done;
    await io.close();
  });

  test("attachStdio to removed FIFOs rejects with ENOENT", async () => {
    const gone = join(root, "gone", "x-stdout");
    await assert.rejects(
      attachStdio({ stdio: "pipe", config: { stdin: "", stdout: gone, stderr: "", terminal: false } }),
      { code: "ENOENT" },
    );
  });

  test("inherit copies output to process.stdout and stderr without ending them", async () => {
    const io = pathToFileURL(resolve("src/io/index.ts")).href;
    const script = `
      import { spawnSync } from "node:child_process";
      import { openStdio } from ${JSON.stringify(io)};
      process.stdout.write("before\\n");
      const io = await openStdio({ fifoDir: ${JSON.stringify(fifoDir)}, id: "inherit", stdio: "inherit" });
      spawnSync("sh", ["-c", 'printf "out\\n" > "$1"; printf "err\\n" > "$2"', "sh", io.config.stdout, io.config.stderr]);
      io.attached();
      await io.done;
      process.stdout.write("after\\n");
      await io.close();
    `;
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    const [code] = await once(child, "close");
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "before\nout\nafter\n");
    assert.equal(stderr, "err\n");
  });

  test("a PassThrough given as stdin is piped, not exposed", async () => {
    const input = new PassThrough();
    const io = await openStdio({ fifoDir, id: "pt", stdio: { stdin: input, stdout: "pipe" } });
    const out = reading(io.stdout);
    const shim = sh('cat "$1" > "$2"', io.config.stdin, io.config.stdout);
    input.write("x");
    input.end("y\n");
    await out.has("xy\n");
    io.attached();
    assert.equal(await out.ended, "xy\n");
    await shim.result;
    await io.close();
  });
});
