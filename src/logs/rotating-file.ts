import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** @internal Limits of a {@link RotatingFile}. */
export interface RotationLimits {
  /** Bytes a file may reach; a write that would pass it goes to a new file (unless the file is empty). */
  maxSize: number;
  /** Files kept: `<path>` and `<path>.1` … `<path>.<maxFiles - 1>`, newest first. */
  maxFiles: number;
}

/**
 * @internal An append-only file rotated by size, as Docker's json-file rotates: `<path>` is
 * renamed `<path>.1` (older ones shift up, the oldest dropped) and a new `<path>` started; with
 * one file it is truncated. Synchronous writes: the daemon's pipes are read in order and a record
 * never sits in memory.
 */
export class RotatingFile {
  readonly path: string;
  #limits: RotationLimits;
  #fd: number;
  #size: number;

  constructor(path: string, limits: RotationLimits) {
    this.path = path;
    this.#limits = limits;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#fd = openSync(path, "a", 0o640);
    this.#size = fstatSync(this.#fd).size;
  }

  /** The latest logger's limits apply (a new task of the same container may change them). */
  set limits(limits: RotationLimits) {
    this.#limits = limits;
  }

  /** Appends `records` (whole records), rotating first when they would pass `maxSize`. */
  write(records: Buffer): void {
    if (records.length === 0) return;
    if (this.#size > 0 && this.#size + records.length > this.#limits.maxSize) this.#rotate();
    let written = 0;
    while (written < records.length) {
      written += writeSync(this.#fd, records, written, records.length - written);
    }
    this.#size += records.length;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #rotate(): void {
    closeSync(this.#fd);
    const { maxFiles } = this.#limits;
    if (maxFiles > 1) {
      rmSync(`${this.path}.${maxFiles - 1}`, { force: true });
      for (let n = maxFiles - 2; n >= 1; n--) {
        try {
          renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.#fd = openSync(this.path, maxFiles > 1 ? "a" : "w", 0o640);
    this.#size = 0;
  }
}
