import { RotatingFile, type RotationLimits } from "./rotating-file.js";

/**
 * @internal The daemon's open log files, one per path, shared by the loggers writing it (a new task's
 * logger may start before the old one has drained), closed when the last lets go.
 */
export class LogFiles {
  readonly #open = new Map<string, { file: RotatingFile; users: number }>();

  /** The file at `path`, opened if needed; the latest limits apply. */
  acquire(path: string, limits: RotationLimits): RotatingFile {
    let entry = this.#open.get(path);
    if (!entry) {
      entry = { file: new RotatingFile(path, limits), users: 0 };
      this.#open.set(path, entry);
    }
    entry.file.limits = limits;
    entry.users++;
    return entry.file;
  }

  release(file: RotatingFile): void {
    const entry = this.#open.get(file.path);
    if (!entry || entry.file !== file) return;
    if (--entry.users > 0) return;
    this.#open.delete(file.path);
    file.close();
  }
}
