import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { Container, NewTaskOptions, Task } from "../src/index.js";
import { logLayout } from "../src/logs/layout.js";
import { type Daemon, uniqueId } from "./fixtures.js";

/** Everything an async iterable yields. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The pids of the logging daemons serving `root` (found by their command line). */
export function logDaemonPids(root: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (argv.some((a) => a.includes("daemon-main")) && argv.includes(root)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Waits until `check` holds, polling every 50 ms, failing after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Asks the daemon of `root` to stop and waits until no daemon of it runs. */
export async function stopLogDaemon(root: string): Promise<void> {
  const socket = createConnection(logLayout(root).socket);
  try {
    await once(socket, "connect");
    socket.write(`${JSON.stringify({ op: "stop" })}\n`);
    await once(socket, "close");
  } catch {
    // none listening
  } finally {
    socket.destroy();
  }
  await until(() => logDaemonPids(root).length === 0, "the logging daemon to exit");
}

/**
 * A private log directory for the calling test file (`$CONTAINERD_SDK_LOG_DIR`, inherited by the
 * children it spawns, with a daemon that lingers 2 s unused), its daemon stopped and the directory
 * removed after the file's tests.
 */
export function useLogDir(prefix: string): () => string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  process.env.CONTAINERD_SDK_LOG_DIR = root;
  process.env.CONTAINERD_SDK_LOG_IDLE_MS = "2000";
  after(async () => {
    await stopLogDaemon(root);
    await rm(root, { recursive: true, force: true });
  });
  return () => root;
}

/**
 * A container running `script` in sh, its task created with `options` (default `{ log: true }`) and
 * started; both deleted after the file's tests.
 */
export async function startLogging(
  d: Daemon,
  script: string,
  options: NewTaskOptions = { log: true },
): Promise<{ c: Container; task: Task }> {
  const c = await d.client.containers.create(uniqueId("log"), {
    rootfs: d.rootfs,
    args: ["/bin/sh", "-c", script],
  });
  const task = await c.newTask(options);
  d.defer(async () => {
    await task.delete({ force: true }).catch(() => undefined);
    await c.delete().catch(() => undefined);
  });
  await task.start();
  return { c, task };
}
