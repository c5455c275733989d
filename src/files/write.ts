/**
 * `container.copyTo`: files and trees written into the container's root, every path resolved
 * inside it (see resolve.ts). The path named by `target` follows symlinks inside the root; inside a
 * copied tree an entry replaces what is there (unless both are directories), as tar does, so a
 * symlink in the container is never written through. Files are made 0600, filled, then given their
 * owner, mode and mtime.
 *
 * @module
 */
import { constants, createReadStream, type Stats } from "node:fs";
import {
  type FileHandle,
  lchown,
  lstat,
  lutimes,
  mkdir,
  open,
  readdir,
  readlink,
  stat,
  symlink,
  unlink,
} from "node:fs/promises";
import { join } from "node:path";
import { addAbortSignal, type Readable } from "node:stream";
import { checkCallOptions, type OperationOptions } from "../base/call-options.js";
import { withDeadline } from "../base/deadline.js";
import { errno, fileError } from "./errors.js";
import { type CheckedEntry, type CopyToEntry, checkCopyEntries } from "./options.js";
import { at, lstatIn, openDir, type Resolved, resolveInRoot } from "./resolve.js";
import { type ContainerFiles, openContainerRoot } from "./root.js";

const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;

/** A file's bytes, or a stream of them opened only once the file to write is. */
type Body = Uint8Array | (() => Readable);

/** Opens the host file `path` when the copy gets to it, so a failure before leaves no fd open. */
function reader(path: string): () => Readable {
  return () => createReadStream(path);
}

/** Owner, permission bits and times given to what is written; no times: now. */
interface Meta {
  mode: number;
  uid: number;
  gid: number;
  atime?: Date;
  mtime?: Date;
}

/** @internal Writes `entries` into the container, one after the other; see the module comment. */
export async function copyTo(
  files: ContainerFiles,
  entries: CopyToEntry[],
  options?: OperationOptions,
): Promise<void> {
  const checkedOptions = checkCallOptions(options);
  const checked = await checkCopyEntries(entries);
  const id = files.info.id;
  await withDeadline(`copy into container "${id}"`, checkedOptions, async (signal) => {
    const root = await openContainerRoot(files, "write", { signal });
    try {
      for (const [i, entry] of checked.entries()) {
        signal?.throwIfAborted();
        await writeEntry(root.dir, entry, signal).catch((err: unknown) => {
          throw fileError(err, `entries[${i}].target`, entry.target, id);
        });
      }
    } finally {
      await root.close();
    }
  });
}

async function writeEntry(
  root: FileHandle,
  entry: CheckedEntry,
  signal: AbortSignal | undefined,
): Promise<void> {
  const place = await resolveInRoot(root, entry.target, { followLast: true, makeParents: true });
  try {
    if ("content" in entry) {
      const meta = { mode: entry.mode ?? 0o644, uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
      return await writeFileAt(place, entry.content, meta, signal);
    }
    const found = await stat(entry.source);
    const meta = { ...metaOf(found, entry), mode: entry.mode ?? found.mode & 0o7777 };
    if (!entry.isDirectory) return await writeFileAt(place, reader(entry.source), meta, signal);
    const dir = await targetDir(place);
    try {
      await fillDir(dir, entry.source, entry, signal);
      // A target that is the root (`/`, or ends in `..`) keeps its own owner and mode.
      if (dir !== place.dir) await setMeta(dir, meta);
    } finally {
      if (dir !== place.dir) await dir.close();
    }
  } finally {
    await place.close();
  }
}

/** The file `target` names: written in place (a directory or other non-file there is refused). */
async function writeFileAt(
  place: Resolved,
  body: Body,
  meta: Meta,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (place.name === "" || place.stat?.isDirectory()) throw errno("EISDIR", place.name);
  if (place.stat && !place.stat.isFile()) throw errno("ENXIO", place.name);
  await writeFile(place.dir, place.name, body, meta, signal);
}

/** The directory `target` names, made if missing; `place.dir` itself when the path ends there. */
async function targetDir(place: Resolved): Promise<FileHandle> {
  if (place.name === "") return place.dir;
  if (place.stat && !place.stat.isDirectory()) throw errno("EEXIST", place.name);
  if (!place.stat) await mkdir(at(place.dir, place.name), 0o700);
  return openDir(place.dir, place.name);
}

/** Copies the host directory `source`'s entries into `dir`, sorted by name, depth first. */
async function fillDir(
  dir: FileHandle,
  source: string,
  owner: { uid?: number; gid?: number },
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const name of (await readdir(source)).sort()) {
    signal?.throwIfAborted();
    const from = join(source, name);
    const found = await lstat(from);
    const meta = metaOf(found, owner);
    if (found.isDirectory()) {
      const sub = await replaceWithDir(dir, name);
      try {
        await fillDir(sub, from, owner, signal);
        await setMeta(sub, meta);
      } finally {
        await sub.close();
      }
    } else if (found.isSymbolicLink()) {
      await clearFor(dir, name);
      const path = at(dir, name);
      await symlink(await readlink(from), path);
      await lchown(path, meta.uid, meta.gid);
      await lutimes(path, found.atime, found.mtime);
    } else if (found.isFile()) {
      await clearFor(dir, name);
      await writeFile(dir, name, reader(from), meta, signal);
    }
    // Sockets, FIFOs and devices on the host are not copied.
  }
}

/** A directory `name` in `dir`, open: the one there, or a new one in place of a non-directory. */
async function replaceWithDir(dir: FileHandle, name: string): Promise<FileHandle> {
  const found = await lstatIn(dir, name);
  if (!found?.isDirectory()) {
    if (found) await unlink(at(dir, name));
    await mkdir(at(dir, name), 0o700);
  }
  return openDir(dir, name);
}

/** Makes way for a file or symlink `name`: removes a non-directory there, refuses a directory. */
async function clearFor(dir: FileHandle, name: string): Promise<void> {
  const found = await lstatIn(dir, name);
  if (found?.isDirectory()) throw errno("EISDIR", name);
  if (found) await unlink(at(dir, name));
}

/**
 * Writes the regular file `name` in `dir`: O_NOFOLLOW, so a symlink swapped in after the checks
 * fails the open; anything but a regular file opened is refused before a byte is written.
 */
async function writeFile(
  dir: FileHandle,
  name: string,
  body: Body,
  meta: Meta,
  signal: AbortSignal | undefined,
): Promise<void> {
  const file = await open(at(dir, name), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0o600);
  try {
    if (!(await file.stat()).isFile()) throw errno("ENXIO", name);
    await file.truncate(0);
    if (body instanceof Uint8Array) await file.writeFile(body, { signal });
    else await writeAll(file, body(), signal);
    await setMeta(file, meta);
  } finally {
    await file.close();
  }
}

/**
 * Writes `source` to `file` chunk by chunk. Not a FileHandle write stream: with `autoClose: false`
 * it keeps a reference that makes the handle's close() wait forever.
 */
async function writeAll(file: FileHandle, source: Readable, signal: AbortSignal | undefined): Promise<void> {
  if (signal) addAbortSignal(signal, source);
  // writeFile on a handle writes all of it from the current position, then the next chunk follows.
  for await (const chunk of source) await file.writeFile(chunk as Buffer);
}

function metaOf(found: Stats, owner: { uid?: number; gid?: number }): Meta {
  return {
    mode: found.mode & 0o7777,
    uid: owner.uid ?? found.uid,
    gid: owner.gid ?? found.gid,
    atime: found.atime,
    mtime: found.mtime,
  };
}

/** Owner first: chown clears set-id bits, which chmod then sets. */
async function setMeta(handle: FileHandle, meta: Meta): Promise<void> {
  await handle.chown(meta.uid, meta.gid);
  await handle.chmod(meta.mode);
  if (meta.mtime) await handle.utimes(meta.atime ?? meta.mtime, meta.mtime);
}
