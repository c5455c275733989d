/**
 * Small file operations the network state needs: exclusive and atomic writes, JSON reads that
 * tolerate absence.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Writes `text` to `path` through a temp file and rename, so readers see all or nothing. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPath(path);
  await writeFile(temp, text, { mode: 0o644 });
  await rename(temp, path).catch(async (err) => {
    await rm(temp, { force: true });
    throw err;
  });
}

/** Writes `text` to `path` whole, only if `path` does not exist; false when it does. */
export async function writeExclusive(path: string, text: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPath(path);
  await writeFile(temp, text, { mode: 0o644 });
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

/** The parsed JSON at `path`, or undefined when the file is missing. */
export async function readJson(path: string): Promise<unknown> {
  // A missing file is the common case (every container without a network, at its delete): a stat
  // that does not throw costs microseconds, where a rejected readFile builds an Error and its stack.
  if (!statSync(path, { throwIfNoEntry: false })) return undefined;
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
