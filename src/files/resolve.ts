/**
 * Paths inside a container's root, resolved the way openat2's RESOLVE_IN_ROOT does: one component
 * at a time from directories held open, every symlink read and resolved here as if the root were
 * `/` (an absolute target restarts at the root, `..` stops at it), never by the kernel. Each step
 * opens `/proc/self/fd/<dir>/<name>` with O_NOFOLLOW, which names the entry inside the directory
 * already open (as openat does), so swapping a directory on the way for a symlink after it was
 * checked makes the open fail rather than leave the root.
 *
 * @module
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readlink } from "node:fs/promises";
import { errno } from "./errors.js";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;

/** Linux's own limit on symlinks followed in one lookup. */
const MAX_SYMLINKS = 40;

/** @internal The host path of `name` in the directory `dir` holds open (the directory itself without). */
export function at(dir: FileHandle, name = ""): string {
  return name === "" ? `/proc/self/fd/${dir.fd}` : `/proc/self/fd/${dir.fd}/${name}`;
}

/** @internal Opens the directory `name` in `dir`; a symlink there fails with ELOOP. */
export function openDir(dir: FileHandle, name: string): Promise<FileHandle> {
  return open(at(dir, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

/**
 * @internal Opens the regular file `name` in `dir` for reading, checking it is still the file
 * `seen` describes: never a symlink, FIFO or device (O_NONBLOCK so a FIFO cannot block the open).
 */
export async function openFile(dir: FileHandle, name: string, seen: Stats): Promise<FileHandle> {
  if (!seen.isFile()) throw errno(seen.isDirectory() ? "EISDIR" : "ENXIO", name);
  const file = await open(at(dir, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  const now = await file.stat();
  if (!now.isFile() || now.ino !== seen.ino || now.dev !== seen.dev) {
    await file.close();
    throw errno("ESTALE", `${name} changed during the copy`);
  }
  return file;
}

/** @internal What lstat says of `name` in `dir`; undefined when there is nothing there. */
export async function lstatIn(dir: FileHandle, name: string): Promise<Stats | undefined> {
  try {
    return await lstat(at(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** @internal Where a path inside the root ends up. */
export interface Resolved {
  /** The directory holding the last component, open (the root, or one of the walk's). */
  readonly dir: FileHandle;
  /** The last component's name in `dir`; `""` when the path is `dir` itself (`/`, `/a/..`). */
  readonly name: string;
  /** What lstat says of it (of `dir` when `name` is `""`); undefined when it does not exist. */
  readonly stat: Stats | undefined;
  /** Closes the directories the walk opened (never the root). */
  close(): Promise<void>;
}

/** @internal How {@link resolveInRoot} treats the path's ends. */
export interface ResolveOptions {
  /** A symlink as the last component is resolved too; else it is the result itself. */
  followLast: boolean;
  /** Missing directories on the way are made (0755, owned by this process: root). */
  makeParents: boolean;
}

/**
 * @internal Resolves the container path `path` inside the directory `root` holds open; see the
 * module comment. A missing directory on the way is ENOENT (unless `makeParents`), a file on the
 * way ENOTDIR, more than 40 symlinks ELOOP.
 */
export async function resolveInRoot(
  root: FileHandle,
  path: string,
  options: ResolveOptions,
): Promise<Resolved> {
  const walk = new Walk(root);
  try {
    return await walk.run(path, options);
  } catch (err) {
    await walk.close();
    throw err;
  }
}

/** The components of a path that move: `.` and empty ones dropped. */
function components(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}

/** One resolution: the directories open below the root, innermost last. */
class Walk {
  readonly #root: FileHandle;
  readonly #opened: FileHandle[] = [];
  #links = 0;

  constructor(root: FileHandle) {
    this.#root = root;
  }

  get #dir(): FileHandle {
    return this.#opened.at(-1) ?? this.#root;
  }

  async run(path: string, options: ResolveOptions): Promise<Resolved> {
    const pending = components(path);
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === "..") {
        await this.#opened.pop()?.close();
        continue;
      }
      const last = pending.length === 0;
      const stat = await lstatIn(this.#dir, name);
      if (stat?.isSymbolicLink() && (options.followLast || !last)) {
        pending.unshift(...(await this.#follow(name, path)));
        continue;
      }
      if (last) return this.#result(name, stat);
      if (!stat && !options.makeParents) throw errno("ENOENT", path);
      if (stat && !stat.isDirectory()) throw errno("ENOTDIR", path);
      if (!stat) await mkdir(at(this.#dir, name), 0o755).catch(existed);
      this.#opened.push(await openDir(this.#dir, name));
    }
    return this.#result("", await this.#dir.stat());
  }

  async close(): Promise<void> {
    for (const dir of this.#opened.splice(0)) await dir.close();
  }

  /** The components of the link's target, from the root when it is absolute. */
  async #follow(name: string, path: string): Promise<string[]> {
    if (++this.#links > MAX_SYMLINKS) throw errno("ELOOP", path);
    const target = await readlink(at(this.#dir, name));
    if (target.startsWith("/")) await this.close();
    return components(target);
  }

  #result(name: string, stat: Stats | undefined): Resolved {
    return { dir: this.#dir, name, stat, close: () => this.close() };
  }
}

/** mkdir's EEXIST is another writer's directory (or a symlink, which the O_NOFOLLOW open refuses). */
function existed(err: NodeJS.ErrnoException): void {
  if (err.code !== "EEXIST") throw err;
}
