import { type FSWatcher, watch } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { type Cursor, forwardLines } from "./lines.js";

/** How often a follower looks at the file when no change was reported (a file system inotify misses). */
const POLL_MS = 1_000;

/**
 * @internal Wakes a follower when the log's directory changes (inotify), every {@link POLL_MS}
 * otherwise, or when {@link FileWatch.notify} is called. Holds a watcher and a timer until closed.
 */
export class FileWatch {
  readonly #watcher: FSWatcher | undefined;
  readonly #timer: NodeJS.Timeout;
  #pending = false;
  #wake: (() => void) | undefined;

  constructor(path: string) {
    const wake = () => this.notify();
    try {
      this.#watcher = watch(dirname(path), wake);
      this.#watcher.on("error", () => undefined);
    } catch {
      this.#watcher = undefined; // no directory yet: polling finds the file
    }
    this.#timer = setInterval(wake, POLL_MS);
  }

  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Resolves at the next change (at once if one came since the last wait). */
  async changed(): Promise<void> {
    if (!this.#pending) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#wake = undefined;
    this.#pending = false;
  }

  close(): void {
    this.#watcher?.close();
    clearInterval(this.#timer);
    this.#wake?.();
  }
}

/**
 * @internal The current file of a followed log: its handle and cursor, and whether the path now
 * names another file (rotated).
 */
export class FollowedFile {
  readonly #path: string;
  #handle: FileHandle | undefined;
  #cursor: Cursor;

  constructor(path: string, handle: FileHandle | undefined, offset: number) {
    this.#path = path;
    this.#handle = handle;
    this.#cursor = { offset };
  }

  /** The whole lines written since the last read, across a rotation. */
  async *lines(): AsyncGenerator<string> {
    for (;;) {
      if (this.#handle) yield* forwardLines(this.#handle, this.#cursor);
      if (!(await this.#rotated())) return;
      // What the old file got before the rotation, then the new one from its start.
      if (this.#handle) yield* forwardLines(this.#handle, this.#cursor);
      await this.#handle?.close();
      this.#handle = await open(this.#path, "r").catch(() => undefined);
      this.#cursor = { offset: 0 };
    }
  }

  async #rotated(): Promise<boolean> {
    const now = await stat(this.#path).catch(() => undefined);
    if (!now) return false;
    if (!this.#handle) return true;
    const held = await this.#handle.stat();
    return now.ino !== held.ino || now.dev !== held.dev || now.size < this.#cursor.offset;
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
