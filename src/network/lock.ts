/**
 * An exclusive lock on a file, held across processes with flock(2) (util-linux `flock`, since Node has
 * no flock): the kernel drops it when its holder dies, so a crashed process never leaves a stale lock.
 * Within one process, callers queue in memory, so at most one `flock` child per lock file exists.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { UnavailableError } from "../errors/index.js";
import { TOOL_PATH } from "./command.js";

/** A lock file's state in this process: whether a caller has it, who waits, and the held flock. */
interface LockState {
  busy: boolean;
  waiters: (() => void)[];
  release: (() => Promise<void>) | undefined;
}

const locks = new Map<string, LockState>();

/** Holds the lock until its stdin closes: `flock` runs `cat`, which exits at end of input. */
async function acquire(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const seconds = String(Math.ceil(timeoutMs / 1000));
  const child = spawn(
    "flock",
    ["--exclusive", "--wait", seconds, path, "-c", "echo locked; exec cat >/dev/null"],
    { env: { PATH: TOOL_PATH }, stdio: ["pipe", "pipe", "ignore"] },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const locked = await new Promise<boolean>((resolve) => {
    child.stdout.setEncoding("utf8").once("data", () => resolve(true));
    child.once("close", () => resolve(false));
    child.once("error", () => resolve(false));
  });
  const release = async (): Promise<void> => {
    child.stdin.end();
    await exited;
  };
  if (!locked) {
    await release();
    throw new UnavailableError(`containerd-sdk: the lock ${path} stayed taken for ${seconds} s`);
  }
  child.stdout.resume();
  return release;
}

/**
 * Runs `fn` while holding the exclusive lock on the file at `path` (made if missing) and returns its
 * result. Rejects with UnavailableError when the lock is not had within `timeoutMs` (default 60 s).
 * Callers in this process queue in memory, and a held flock passes straight to the next one, so a
 * burst of callers costs one `flock` child, not one each.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  let state = locks.get(path);
  if (!state) {
    state = { busy: false, waiters: [], release: undefined };
    locks.set(path, state);
  }
  const lock = state;
  if (lock.busy) await new Promise<void>((resolve) => lock.waiters.push(resolve));
  else lock.busy = true;
  try {
    lock.release ??= await acquire(path, timeoutMs);
    return await fn();
  } finally {
    const next = lock.waiters.shift();
    if (next) next();
    else {
      lock.busy = false;
      const release = lock.release;
      lock.release = undefined;
      await release?.();
    }
  }
}
