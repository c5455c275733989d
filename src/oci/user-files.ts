/**
 * Reading a root filesystem's `/etc/passwd` and `/etc/group` from the host, the way runc's
 * `libcontainer/user` parses them and containerd's `fs.RootPath` finds them: symlinks are
 * followed inside the rootfs, never out of it.
 *
 * @module
 */
import { lstat, readFile, readlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { FailedPreconditionError } from "../errors/index.js";

/** One `/etc/passwd` entry (name:password:uid:gid:gecos:home:shell). */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** One `/etc/group` entry (name:password:gid:members). */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Linux's own limit on symlinks followed in one lookup. */
const MAX_SYMLINKS = 40;

/**
 * The host path of `path` inside `root`, with every symlink on the way resolved as if `root`
 * were `/`: an absolute target restarts at `root` and `..` stops at it, so a hostile image
 * cannot make the lookup read the host's own files. A missing component ends the walk (the
 * read that follows reports ENOENT).
 */
export async function pathInRoot(root: string, path: string): Promise<string> {
  const pending = path.split("/").filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const hostPath = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = (await lstat(hostPath)).isSymbolicLink();
    } catch {
      resolved.push(part, ...pending);
      break;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) {
      throw new FailedPreconditionError(`rootfs ${root}: too many symlinks resolving ${path}`);
    }
    const target = await readlink(hostPath);
    if (posix.isAbsolute(target)) resolved.length = 0;
    pending.unshift(...target.split("/").filter(Boolean));
  }
  return join(root, ...resolved);
}

/** The file's lines, or undefined when the rootfs has no such file. */
async function readLines(root: string, path: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(await pathInRoot(root, path), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return text.split("\n").map((line) => line.trim());
}

/** runc reads a malformed number as 0 rather than failing the whole file. */
function toId(field: string | undefined): number {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : 0;
}

/** Parses passwd text as runc does: blank lines skipped, missing fields empty, bad numbers 0. */
export function parsePasswd(lines: string[]): PasswdEntry[] {
  return lines
    .filter((line) => line.length > 0)
    .map((line) => {
      const [name = "", , uid, gid] = line.split(":");
      return { name, uid: toId(uid), gid: toId(gid) };
    });
}

/** Parses group text as runc does: blank and `#` lines skipped, members comma-separated. */
export function parseGroup(lines: string[]): GroupEntry[] {
  return lines
    .filter((line) => line.length > 0 && !line.startsWith("#"))
    .map((line) => {
      const [name = "", , gid, list] = line.split(":");
      return { name, gid: toId(gid), members: list ? list.split(",") : [] };
    });
}

/** The rootfs's `/etc/passwd` entries; undefined when the file is missing. */
export async function readPasswd(root: string): Promise<PasswdEntry[] | undefined> {
  const lines = await readLines(root, "/etc/passwd");
  return lines && parsePasswd(lines);
}

/** The rootfs's `/etc/group` entries; undefined when the file is missing. */
export async function readGroup(root: string): Promise<GroupEntry[] | undefined> {
  const lines = await readLines(root, "/etc/group");
  return lines && parseGroup(lines);
}
