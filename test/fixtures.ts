import { execFile } from "node:child_process";
import { on } from "node:events";
import { watch } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { after, before } from "node:test";
import { promisify } from "node:util";
import { build } from "esbuild";
import type { Client } from "../src/index.js";
import {
  type ContainerdInstance,
  type StartContainerdOptions,
  startContainerd,
} from "../src/testing/index.js";

/** A private containerd for one test file, started before its tests and stopped after them. */
export interface Daemon {
  ctr: ContainerdInstance;
  client: Client;
  rootfs: string;
  /** Runs `fn` after the file's tests, before the daemon stops (last deferred runs first). */
  defer(fn: () => unknown): void;
}

/**
 * Starts one private containerd for the calling test file; its client keeps FIFOs in the daemon's
 * own temp dir. In CI a failure to start fails the file; it never skips.
 */
export function useDaemon(options: StartContainerdOptions = {}): Daemon {
  const deferred: Array<() => unknown> = [];
  const daemon = {
    defer: (fn: () => unknown) => {
      deferred.push(fn);
    },
  } as Partial<Daemon> as Daemon;
  before(async () => {
    // Its own namespace per file: runc puts containers under the cgroup `/<namespace>`, and a
    // daemon's teardown removes that parent when empty, which would race a parallel file's runc.
    daemon.ctr = await startContainerd({ namespace: `test-${process.pid}`, ...options });
    daemon.client = daemon.ctr.client;
    daemon.rootfs = await daemon.ctr.rootfs();
  });
  after(async () => {
    for (const fn of deferred.reverse()) await fn();
    await daemon.ctr?.stop();
  });
  return daemon;
}

/** Runs containerd's `ctr` against the file's daemon, in its namespace. */
export function ctr(d: Daemon, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)("ctr", ["--address", d.ctr.address, "-n", d.client.namespace, ...args]);
}

let counter = 0;
/** A container id unique within the test run. */
export function uniqueId(prefix = "c"): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

/**
 * The per-process FIFO directories in the daemon's fifoDir: everything but the client's FIFO pool
 * (`.pool-…`), which lives as long as the client.
 */
export async function fifoDirs(d: Daemon): Promise<string[]> {
  const entries = await readdir(d.ctr.fifoDir).catch(() => [] as string[]);
  return entries.filter((e) => !e.startsWith(".pool-"));
}

/**
 * This process's open fds that point into `dir`. A count of every fd would also see the gRPC
 * channel, the event stream or libuv open one of their own meanwhile.
 */
export async function fdsUnder(dir: string): Promise<string[]> {
  const fds = await readdir("/proc/self/fd").catch(() => [] as string[]);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")));
  return targets.filter((t) => t.startsWith(`${dir}/`));
}

/** Everything a stream yields, as a UTF-8 string. */
export async function readAll(stream: Readable | null): Promise<string> {
  if (!stream) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads from `stream` until `text` has arrived; resolves with what was read. */
export function readUntil(stream: Readable, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (seen.includes(text)) {
        cleanup();
        resolve(seen);
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`stream ended before ${JSON.stringify(text)}; got ${JSON.stringify(seen)}`));
    };
    const cleanup = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", reject);
      stream.pause();
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", reject);
  });
}

/** A script bundled with the SDK into a world-readable temp dir; `remove()` deletes it. */
export interface ReadableScript {
  /** Absolute path of the bundled ES module. */
  path: string;
  remove(): Promise<void>;
}

/**
 * Bundles `source` (an ES module that may import "containerd-sdk") with everything it imports into
 * one file under a fresh 0755 temp dir, so a child process running as another user (nobody) can run
 * it with plain `node` wherever the checkout lives (a clone under /root is 0700).
 */
export async function readableScript(source: string): Promise<ReadableScript> {
  const dir = await mkdtemp(join(tmpdir(), "containerd-sdk-script-"));
  await chmod(dir, 0o755);
  const path = join(dir, "script.mjs");
  await build({
    stdin: { contents: source, resolveDir: import.meta.dirname, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    outfile: path,
    logLevel: "silent",
    // CommonJS dependencies (grpc-js) call require() for Node's built-ins; aliased, since the SDK's
    // own modules import createRequire too.
    banner: {
      js: 'import { createRequire as __sdkCreateRequire } from "node:module"; const require = __sdkCreateRequire(import.meta.url);',
    },
  });
  await chmod(path, 0o644);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Resolves with the text of `path` once `done(text)` holds, reading it again whenever anything in its
 * directory changes (no polling interval); rejects after `timeoutMs` with what was last read.
 */
export async function untilFile(
  path: string,
  done: (text: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const read = () => readFile(path, "utf8").catch(() => "");
  const signal = AbortSignal.timeout(timeoutMs);
  // fs.watch watches from this line and `on` queues every change from here: fs/promises' watch
  // would start only at the loop's first next(), missing a write that lands during the first read.
  const watcher = watch(dirname(path));
  const changes = on(watcher, "change", { signal });
  let text = "";
  try {
    text = await read();
    if (done(text)) return text;
    for await (const _ of changes) {
      text = await read();
      if (done(text)) return text;
    }
  } catch (err) {
    if ((err as Error).name !== "AbortError") throw err;
  } finally {
    watcher.close();
  }
  throw new Error(`${path} never had what was expected; last read ${JSON.stringify(text.slice(-200))}`);
}

/**
 * A container running `args` (default `sleep 1000`) with its started task; both are force-removed
 * after the file's tests.
 */
export async function startedTask(d: Daemon, args = ["/bin/sleep", "1000"], prefix = "c") {
  const container = await d.client.containers.create(uniqueId(prefix), { rootfs: d.rootfs, args });
  const task = await container.newTask();
  await task.start();
  d.defer(async () => {
    await task[Symbol.asyncDispose]().catch(() => {});
    await container.delete().catch(() => {});
  });
  return { container, task };
}
