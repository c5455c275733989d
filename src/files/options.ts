import { stat } from "node:fs/promises";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { checkInteger, invalid, isRecord } from "../base/validate.js";

/** One file or tree `container.copyTo` writes. Give `content` or `source`, not both. */
export interface CopyToEntry {
  /**
   * Absolute path in the container. For `content` or a source file, the file written (missing
   * parent directories are made, root-owned, 0755); for a source directory, the directory that
   * becomes a copy of it (merged with one already there; `/` keeps its own owner and mode).
   * Symlinks on the way are resolved inside the container, never out of it.
   */
  target: string;
  /** The file's bytes. */
  content?: string | Uint8Array;
  /**
   * A file or directory on this host (symlinks to it are followed); a directory is copied
   * recursively, keeping modes, owners, mtimes and the symlinks inside it as symlinks.
   */
  source?: string;
  /** Permission bits (0 to 0o7777) of the file, or of the directory `target`. Default: `source`'s, or 0o644. */
  mode?: number;
  /** Owner of everything written. Default: `source`'s owner, or 0. */
  uid?: number;
  /** Group of everything written. Default: `source`'s group, or 0. */
  gid?: number;
}

/** @internal A checked entry: `source` turned into what stat said of it. */
export type CheckedEntry = Omit<CopyToEntry, "source" | "content"> &
  ({ content: Uint8Array } | { source: string; isDirectory: boolean });

const ENTRY_KEYS = optionKeys<CopyToEntry>()(["target", "content", "source", "mode", "uid", "gid"]);
const MAX_ID = 0xffff_fffe;

/** @internal Checks a container path: absolute, no NUL byte. */
export function checkContainerPath(field: string, value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) {
    throw invalid(field, value, "must be an absolute path in the container");
  }
  if (value.includes("\0")) throw invalid(field, value, "must not contain a NUL byte");
  return value;
}

/**
 * @internal Checks every entry of `copyTo` before anything is opened or mounted: fields, ranges,
 * and that each `source` exists on this host. Errors name the field (`entries[1].mode`).
 */
export async function checkCopyEntries(entries: unknown): Promise<CheckedEntry[]> {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw invalid("entries", entries, "must be a non-empty array of { target, content | source }");
  }
  const checked: CheckedEntry[] = [];
  for (const [i, entry] of entries.entries()) checked.push(await checkEntry(`entries[${i}]`, entry));
  return checked;
}

async function checkEntry(field: string, entry: unknown): Promise<CheckedEntry> {
  if (!isRecord(entry)) throw invalid(field, entry, "must be an object { target, content | source }");
  checkOptionKeys(entry, ENTRY_KEYS, field);
  const target = checkContainerPath(`${field}.target`, entry.target);
  const owner = {
    target,
    mode: optional(entry.mode, (v) => checkInteger(`${field}.mode`, v, 0, 0o7777)),
    uid: optional(entry.uid, (v) => checkInteger(`${field}.uid`, v, 0, MAX_ID)),
    gid: optional(entry.gid, (v) => checkInteger(`${field}.gid`, v, 0, MAX_ID)),
  };
  const { content, source } = entry;
  if ((content === undefined) === (source === undefined)) {
    throw invalid(`${field}.content`, content, "or source: give exactly one of them");
  }
  if (content !== undefined) {
    if (typeof content !== "string" && !(content instanceof Uint8Array)) {
      throw invalid(`${field}.content`, typeof content, "must be a string or a Buffer");
    }
    if (target === "/")
      throw invalid(`${field}.target`, target, "names a directory; content needs a file path");
    return { ...owner, content: typeof content === "string" ? Buffer.from(content) : content };
  }
  if (typeof source !== "string" || source === "" || source.includes("\0")) {
    throw invalid(`${field}.source`, source, "must be a path on this host");
  }
  const found = await stat(source).catch(() => undefined);
  if (!found?.isFile() && !found?.isDirectory()) {
    throw invalid(`${field}.source`, source, "is not a file or directory on this host");
  }
  return { ...owner, source, isDirectory: found.isDirectory() };
}

function optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}
