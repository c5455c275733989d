import type { Readable } from "node:stream";
import { after, before } from "node:test";
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
    daemon.ctr = await startContainerd({ namespace: "test", ...options });
    daemon.client = daemon.ctr.client;
    daemon.rootfs = await daemon.ctr.rootfs();
  });
  after(async () => {
    for (const fn of deferred.reverse()) await fn();
    await daemon.ctr?.stop();
  });
  return daemon;
}

let counter = 0;
/** A container id unique within the test run. */
export function uniqueId(prefix = "c"): string {
  return `${prefix}-${process.pid}-${++counter}`;
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
