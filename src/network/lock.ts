/**
 * An exclusive lock on a file, held across processes with flock(2) (util-linux `flock`, since Node has
 * no flock): the kernel drops it when its holder dies, so a crashed process never leaves a stale lock.
 * Within one process, callers queue in memory, so at most one `flock` child per lock file exists.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdir, open } from "node:fs/promises";
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

/**
 * Takes the lock on a descriptor of our own: `flock` locks the open file it inherits as fd 3 and
 * exits, and the lock, which belongs to that open file, stays with us until we close it (or die).
 * One short-lived process per acquisition, and none while the lock is held.
 */
async function acquire(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const seconds = String(Math.ceil(timeoutMs / 1000));
  const file = await open(path, "a", 0o600);
  const locked = await new Promise<boolean>((resolve) => {
    const child = spawn("flock", ["--exclusive", "--wait", seconds, "3"], {
      env: { PATH: TOOL_PATH },
      stdio: ["ignore", "ignore", "ignore", file.fd],
    });
    child.once("close", (code) => resolve(code === 0));
    child.once("error", () => resolve(false));
  });
  const release = () => file.close();
  if (!locked) {
    await release();
    throw new UnavailableError(`containerd-sdk: the lock ${path} stayed taken for ${seconds} s`);
  }
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
