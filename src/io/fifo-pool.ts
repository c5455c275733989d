import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { debug } from "./log.js";

const execFileAsync = promisify(execFile);

/** Makes FIFOs mode 0600 at `paths`, all in one `mkfifo` process (Node has no mkfifo(2)). */
export async function mkfifos(paths: string[], signal?: AbortSignal): Promise<void> {
  if (paths.length > 0) await execFileAsync("mkfifo", ["-m", "0600", ...paths], { signal });
}

/** Sizes and the FIFO maker of a {@link FifoPool}; the defaults suit containerd clients. */
export interface FifoPoolOptions {
  /** FIFOs made per `mkfifo` spawn. Default 48: 16 processes with stdin, stdout and stderr. */
  batch?: number;
  /** A refill starts in the background once fewer FIFOs than this are left. Default 16. */
  lowWater?: number;
  /** Makes the FIFOs at `paths`; for tests. Default {@link mkfifos}. */
  make?: (paths: string[], signal: AbortSignal) => Promise<void>;
}

/**
 * FIFOs made ahead, a batch per `mkfifo` spawn, in a private 0700 directory `<fifoDir>/.pool-XXXXXX`
 * (the dot keeps it apart from container ids), and renamed into a process's FIFO directory when it
 * needs them: rename(2) keeps a FIFO a FIFO, and both directories are under `fifoDir`, so on one
 * filesystem. The common path spawns nothing. Nothing is made until the first {@link place}: a
 * client that never pipes never spawns. One per client connection and fifoDir; {@link close} removes
 * the directory. Not part of the public API (Client makes one per connection).
 */
export class FifoPool {
  readonly fifoDir: string;
  readonly #batch: number;
  readonly #lowWater: number;
  readonly #make: (paths: string[], signal: AbortSignal) => Promise<void>;
  readonly #abort = new AbortController();
  /** FIFOs ready to be renamed into place. */
  #ready: string[] = [];
  /** The current pool directory, once made. */
  #dir: string | undefined;
  /** Every pool directory made, current or abandoned: close removes them all. */
  readonly #dirs = new Set<string>();
  #refill: Promise<void> | undefined;
  #seq = 0;
  #closing: Promise<void> | undefined;

  constructor(fifoDir: string, options: FifoPoolOptions = {}) {
    this.fifoDir = fifoDir;
    this.#batch = Math.max(1, options.batch ?? 48);
    this.#lowWater = Math.min(this.#batch, Math.max(0, options.lowWater ?? 16));
    this.#make = options.make ?? mkfifos;
  }

  /** FIFOs ready now, not counting a refill in flight. */
  get size(): number {
    return this.#ready.length;
  }

  /** The pool directory, or undefined before the first refill (and after close). */
  get dir(): string | undefined {
    return this.#dir;
  }

  /**
   * Renames pooled FIFOs to `targets` (in a directory on the same filesystem). When the pool has
   * too few, waits for the refill (one spawn, as a direct `mkfifo` would be, and it serves the next
   * processes too). Resolves with the targets it could not fill, for the caller to make directly:
   * all of them once closed, after a failed refill, or when concurrent callers took the batch first.
   * Never rejects.
   */
  async place(targets: string[]): Promise<string[]> {
    if (targets.length === 0 || this.#closing) return targets;
    if (this.#ready.length < targets.length) {
      await this.#startRefill();
      if (this.#ready.length < targets.length) return targets;
    }
    const taken = this.#ready.splice(0, targets.length);
    if (this.#ready.length < this.#lowWater) void this.#startRefill();
    const results = await Promise.allSettled(taken.map((from, i) => rename(from, targets[i] as string)));
    const missing = targets.filter((_, i) => results[i]?.status === "rejected");
    if (missing.length > 0) {
      // The pool directory may be gone (someone cleaned fifoDir): start over in a new one.
      debug("renaming pooled FIFOs failed: %s", results.find((r) => r.status === "rejected")?.reason);
      this.#ready = [];
      this.#dir = undefined;
    }
    return missing;
  }

  /** One refill at a time: callers arriving meanwhile share it. Never rejects. */
  #startRefill(): Promise<void> {
    if (this.#closing) return Promise.resolve();
    this.#refill ??= this.#fill().finally(() => {
      this.#refill = undefined;
    });
    return this.#refill;
  }

  async #fill(): Promise<void> {
    try {
      if (this.#dir === undefined) {
        await mkdir(this.fifoDir, { recursive: true, mode: 0o700 });
        if (this.#closing) return;
        // mkdtemp makes it 0700.
        const dir = await mkdtemp(join(this.fifoDir, ".pool-"));
        this.#dirs.add(dir);
        if (this.#closing) return;
        this.#dir = dir;
      }
      const dir = this.#dir;
      const paths = Array.from({ length: this.#batch }, () => join(dir, `${++this.#seq}`));
      await this.#make(paths, this.#abort.signal);
      if (this.#closing || this.#dir !== dir) return;
      this.#ready.push(...paths);
      debug("fifo pool %s refilled: %d ready", dir, this.#ready.length);
    } catch (err) {
      // The caller falls back to a direct mkfifo, which reports the real error if there is one.
      debug("fifo pool refill in %s failed: %s", this.fifoDir, err);
    }
  }

  /**
   * Stops any refill (killing its `mkfifo`), waits for it, and removes every pool directory.
   * Idempotent; never rejects. Later {@link place} calls fill nothing.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#abort.abort();
      await this.#refill;
      this.#ready = [];
      this.#dir = undefined;
      for (const dir of this.#dirs) {
        await rm(dir, { recursive: true, force: true }).catch((err: unknown) =>
          debug("removing fifo pool %s failed: %s", dir, err),
        );
      }
      this.#dirs.clear();
    })();
    return this.#closing;
  }
}
