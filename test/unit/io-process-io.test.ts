import assert from "node:assert/strict";
import { once } from "node:events";
import { closeSync, constants, openSync, readdirSync, writeSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { mkfifos } from "../../src/io/fifo-pool.js";
import { openFifoReader, openFifoWriter } from "../../src/io/fifo-socket.js";
import { isConsumed } from "../../src/io/output-copy.js";
import { ProcessIO, type ProcessIOParts } from "../../src/io/process-io.js";
import type { InputPlan, OutputPlan } from "../../src/io/stdio-options.js";

const fdCount = () => readdirSync("/proc/self/fd").length;

/** Whether `promise` has settled once everything already queued (callbacks, I/O events) has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise(setImmediate);
  return settled;
}

/** Opens the shim's writing end of a FIFO we already read. */
function shimWriter(path: string): number {
  return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
}

describe("ProcessIO", { timeout: 10_000 }, () => {
  let dir: string;
  let seq = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "io-process-io-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Makes the FIFOs asked for and an IO over them; `removed` counts calls of its `remove`. */
  async function open(plans: { stdin?: InputPlan; stdout?: OutputPlan; stderr?: OutputPlan }) {
    const path = (name: string) => (name in plans ? join(dir, `${++seq}-${name}`) : "");
    const config = { stdin: path("stdin"), stdout: path("stdout"), stderr: path("stderr"), terminal: false };
    await mkfifos([config.stdin, config.stdout, config.stderr].filter((p) => p !== ""));
    const removed = { count: 0 };
    const parts: ProcessIOParts = {
      config,
      stdin: plans.stdin ? { plan: plans.stdin, end: openFifoWriter(config.stdin) } : null,
      stdout: plans.stdout ? { plan: plans.stdout, end: openFifoReader(config.stdout) } : null,
      stderr: plans.stderr ? { plan: plans.stderr, end: openFifoReader(config.stderr, "stderr") } : null,
      remove: async () => {
        removed.count++;
      },
    };
    return { io: new ProcessIO(parts), config, removed };
  }

  test("starts pending; attached() makes it attached, and again changes nothing", async () => {
    const { io } = await open({ stdout: { kind: "pipe" } });
    assert.equal(io.state, "pending");
    io.attached();
    assert.equal(io.state, "attached");
    io.attached();
    assert.equal(io.state, "attached");
    await io.close();
  });

  test("close() goes through closing to closed, closes every fd and removes once", async () => {
    const fds = fdCount();
    const { io, removed } = await open({ stdin: { kind: "pipe" }, stdout: { kind: "pipe" } });
    const closing = io.close();
    assert.equal(io.state, "closing");
    assert.equal(io.close(), closing, "a second close() shares the first");
    assert.equal(io.detach(), closing, "so does detach()");
    await closing;
    assert.equal(io.state, "closed");
    assert.equal(removed.count, 1);
    assert.ok(io.stdin?.destroyed && io.stdout?.destroyed);
    await io.close();
    await io.detach();
    assert.equal(removed.count, 1);
    assert.equal(fdCount(), fds);
  });

  test("detach() closes the descriptors but removes nothing, and close() afterwards does nothing", async () => {
    const { io, config, removed } = await open({ stdout: { kind: "pipe" } });
    io.attached();
    await io.detach();
    assert.equal(io.state, "closed");
    await io.close();
    assert.equal(removed.count, 0);
    assert.ok((await stat(config.stdout)).isFIFO());
  });

  test("attached() after close() leaves it closed", async () => {
    const { io } = await open({ stdout: { kind: "pipe" } });
    await io.close();
    io.attached();
    assert.equal(io.state, "closed");
  });

  test("stdinClosed waits for attached() as well as for our end of stdin", async () => {
    const { io } = await open({ stdin: { kind: "pipe" } });
    assert.ok(io.stdin);
    io.stdin.end("bytes the shim will read\n");
    await once(io.stdin, "close");
    assert.equal(await hasSettled(io.stdinClosed), false);
    io.attached();
    await io.stdinClosed;
    await io.close();
  });

  test("stdinClosed settles on close() of an IO never attached", async () => {
    const { io } = await open({ stdin: { kind: "pipe" } });
    await io.close();
    await io.stdinClosed;
  });

  test("readDone() does not wait for piped output nobody consumes; done does", async () => {
    const { io, config } = await open({ stdout: { kind: "pipe" } });
    const writer = shimWriter(config.stdout);
    try {
      writeSync(writer, "unread\n");
      io.attached();
      assert.equal(await hasSettled(io.readDone()), true);
      assert.equal(await hasSettled(io.done), false, "the shim still holds stdout");
    } finally {
      closeSync(writer);
    }
    await io.close();
    await io.done;
  });

  test("readDone() waits until consumed piped output has been read to its end", async () => {
    const { io, config } = await open({ stdout: { kind: "pipe" } });
    let text = "";
    io.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
    });
    const writer = shimWriter(config.stdout);
    io.attached();
    const readDone = io.readDone();
    writeSync(writer, "all of it\n");
    assert.equal(await hasSettled(readDone), false, "the shim still holds stdout");
    closeSync(writer);
    await readDone;
    assert.equal(text, "all of it\n");
    await io.close();
  });

  test("close() ends a caller's Writable without waiting for it to finish", async () => {
    const stuck = new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
      final() {
        // Never calls back: the Writable never finishes.
      },
    });
    const { io } = await open({ stdout: { kind: "sink", sink: stuck, end: true } });
    io.attached();
    await io.close();
    await io.done;
    assert.equal(stuck.writableEnded, true);
    assert.equal(stuck.writableFinished, false);
    assert.equal(stuck.listenerCount("finish"), 0, "nothing waits for it any more");
  });

  test("a caller's Readable as stdin is let go of, not destroyed, once stdin closes", async () => {
    const source = new PassThrough();
    const errorListeners = source.listenerCount("error");
    const { io } = await open({ stdin: { kind: "source", source } });
    assert.equal(io.stdin, null, "a caller's Readable is not exposed");
    assert.equal(source.listenerCount("data"), 1, "piped into stdin");
    io.closeStdinLocal();
    await io.close();
    assert.equal(source.listenerCount("data"), 0);
    assert.equal(source.listenerCount("error"), errorListeners);
    assert.equal(source.destroyed, false);
  });

  test("null IO goes through the same states and has nothing to wait for", async () => {
    const config = { stdin: "", stdout: "file:///var/log/x.log", stderr: "", terminal: false };
    const io = new ProcessIO({ config, stdin: null, stdout: null, stderr: null });
    assert.deepEqual([io.stdin, io.stdout, io.stderr], [null, null, null]);
    await Promise.all([io.done, io.readDone(), io.stdinClosed]);
    io.attached();
    assert.equal(io.state, "attached");
    await io.close();
    assert.equal(io.state, "closed");
  });
});

describe("isConsumed", () => {
  const consumers: Record<string, (s: PassThrough) => unknown> = {
    "a data listener": (s) => s.on("data", () => {}),
    "a readable listener": (s) => s.on("readable", () => {}),
    "pipe()": (s) => s.pipe(new PassThrough()),
    "resume()": (s) => s.resume(),
    "pause()": (s) => s.pause(),
    "async iteration": (s) =>
      s[Symbol.asyncIterator]()
        .next()
        .catch(() => {}),
    "a read() that returned data": (s) => {
      s.write("x");
      return s.read();
    },
  };

  test("a stream nobody touched, or only watched for its end, is not consumed", () => {
    const stream = new PassThrough();
    stream.on("end", () => {});
    stream.on("close", () => {});
    stream.on("error", () => {});
    stream.setEncoding("utf8");
    assert.equal(isConsumed(stream), false);
  });

  for (const [name, consume] of Object.entries(consumers)) {
    test(`${name} consumes a stream`, () => {
      const stream = new PassThrough();
      consume(stream);
      assert.equal(isConsumed(stream), true);
      stream.destroy();
    });
  }
});
