/**
 * `container.copyFrom`: a path of the container as a tar stream, as Docker's archive API gives it
 * (the path's basename at the tar's root). Every entry is read through directories held open (see
 * resolve.ts): symlinks are archived as symlinks, never followed. Modes, owners and mtimes are kept;
 * files seen twice by inode become hard links.
 *
 * @module
 */
import type { Stats } from "node:fs";
import { type FileHandle, readdir, readlink } from "node:fs/promises";
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { abortable } from "abort-controller-x";
import type * as tar from "tar-stream";
import { checkCallOptions, type OperationOptions } from "../base/call-options.js";
import { withDeadline } from "../base/deadline.js";
import { fileError } from "./errors.js";
import { checkContainerPath } from "./options.js";
import { type OpenedPath, openPath } from "./read.js";
import { at, lstatIn, openDir, openFile } from "./resolve.js";
import type { ContainerFiles } from "./root.js";

/** A tar entry's header, name required. */
type Header = Partial<tar.Header> & { name: string };

/** What one archive's walk shares. */
interface Packing {
  readonly pack: tar.Pack;
  /** Aborted when the stream closes, however (read to the end, destroyed, failed). */
  readonly signal: AbortSignal;
  /** First archived name of each multiply-linked file, by device and inode. */
  readonly links: Map<string, string>;
}

/**
 * @internal Resolves `path` (a missing one rejects with NotFoundError) and returns its tar stream.
 * `timeout` bounds getting there; the stream runs until read, destroyed or `signal` aborts, and
 * then closes every file and directory it opened.
 */
export async function copyFrom(
  files: ContainerFiles,
  path: string,
  options?: OperationOptions,
): Promise<Readable> {
  checkContainerPath("path", path);
  const checked = checkCallOptions(options);
  const opened = await withDeadline(`copy from container "${files.info.id}"`, checked, (signal) =>
    openPath(files, path, false, signal),
  );
  return archive(opened, rootName(path), checked.signal, (err) =>
    fileError(err, "path", path, files.info.id),
  );
}

/** The name of the path's own entry: its basename, or `.` for the root. */
function rootName(path: string): string {
  return posix.basename(posix.normalize(path)) || ".";
}

function archive(
  opened: OpenedPath,
  name: string,
  signal: AbortSignal | undefined,
  classify: (err: unknown) => unknown,
): Readable {
  const out = new PassThrough();
  const stop = new AbortController();
  const onAbort = () => out.destroy(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  out.once("close", () => {
    stop.abort();
    signal?.removeEventListener("abort", onAbort);
  });
  if (signal?.aborted) onAbort();
  void produce(opened, name, out, stop.signal, classify);
  return out;
}

async function produce(
  opened: OpenedPath,
  name: string,
  out: PassThrough,
  signal: AbortSignal,
  classify: (err: unknown) => unknown,
): Promise<void> {
  // Loaded on first use, as images/import.ts does.
  const pack = (await import("tar-stream")).default.pack();
  const piping = pipeline(pack, out).catch(() => {});
  const { place } = opened;
  try {
    await packEntry({ pack, signal, links: new Map() }, place.dir, place.name, place.stat, name);
    pack.finalize();
  } catch (err) {
    if (!signal.aborted) pack.destroy(classify(err) as Error);
    else pack.destroy();
  } finally {
    await opened.close();
  }
  await piping;
}

/** Archives `name` in `dir` (`dir` itself when `name` is `""`) as `entry`, directories depth first. */
async function packEntry(
  p: Packing,
  dir: FileHandle,
  name: string,
  stat: Stats,
  entry: string,
): Promise<void> {
  p.signal.throwIfAborted();
  const header: Header = {
    name: entry,
    mode: stat.mode & 0o7777,
    uid: stat.uid,
    gid: stat.gid,
    mtime: stat.mtime,
  };
  if (stat.isDirectory()) return packDir(p, dir, name, { ...header, name: `${entry}/`, type: "directory" });
  if (stat.isSymbolicLink()) {
    return add(p, { ...header, type: "symlink", linkname: await readlink(at(dir, name)) });
  }
  if (stat.isFile()) return packFile(p, dir, name, stat, header);
  const type = stat.isFIFO() ? "fifo" : stat.isCharacterDevice() ? "character-device" : "block-device";
  // Sockets cannot be archived.
  if (stat.isSocket()) return;
  return add(p, { ...header, type, devmajor: major(stat.rdev), devminor: minor(stat.rdev) });
}

async function packDir(p: Packing, dir: FileHandle, name: string, header: Header): Promise<void> {
  await add(p, header);
  const self = name === "" ? dir : await openDir(dir, name);
  try {
    for (const child of (await readdir(at(self))).sort()) {
      const stat = await lstatIn(self, child);
      // Gone since the listing: nothing to archive.
      if (stat) await packEntry(p, self, child, stat, `${header.name}${child}`);
    }
  } finally {
    if (self !== dir) await self.close();
  }
}

async function packFile(
  p: Packing,
  dir: FileHandle,
  name: string,
  stat: Stats,
  header: Header,
): Promise<void> {
  const key = `${stat.dev}:${stat.ino}`;
  const first = stat.nlink > 1 ? p.links.get(key) : undefined;
  if (first !== undefined) return add(p, { ...header, type: "link", linkname: first });
  if (stat.nlink > 1) p.links.set(key, header.name);
  const file = await openFile(dir, name, stat);
  try {
    if (stat.size === 0) return await add(p, header, Buffer.alloc(0));
    const entry = p.pack.entry({ ...header, size: stat.size });
    // Exactly the size in the header: a file that grows meanwhile is cut there.
    const body = file.createReadStream({ start: 0, end: stat.size - 1, autoClose: false });
    await pipeline(body, entry, { signal: p.signal });
  } finally {
    await file.close();
  }
}

/** Adds an entry without a body, or with `body`. */
function add(p: Packing, header: Header, body?: Buffer): Promise<void> {
  const added = new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body) p.pack.entry(header, body, done);
    else p.pack.entry(header, done);
  });
  return abortable(p.signal, added);
}

/** Linux's `major()` of a device number. */
function major(rdev: number): number {
  return Number((BigInt(rdev) >> 8n) & 0xfffn) | Number((BigInt(rdev) >> 32n) & ~0xfffn);
}

/** Linux's `minor()` of a device number. */
function minor(rdev: number): number {
  return Number(BigInt(rdev) & 0xffn) | Number((BigInt(rdev) >> 12n) & ~0xffn);
}
