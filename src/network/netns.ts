/**
 * Network namespaces pinned to files the SDK owns. A pinned namespace outlives any process in it,
 * so the CNI DEL can run in it after the task is gone (NETWORK.md: DEL without it leaves the bridge
 * plugin's masquerade rules behind), and a container's spec joins it by path before the task exists.
 *
 * @module
 */
import { mkdir, rm, statfs, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { runChecked, runCommand } from "./command.js";

/** statfs(2)'s f_type of nsfs, what a pinned namespace file reports. */
const NSFS_MAGIC = 0x6e736673;

/**
 * Pins a network namespace to the file `path`: a new empty one (`unshare --net=<path>`), or, with
 * `from` (e.g. `/proc/<pid>/ns/net`), an existing one, bind-mounted.
 */
export async function pinNetns(path: string, from?: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await writeFile(path, "", { mode: 0o444 });
  try {
    if (from === undefined) await runChecked("unshare", [`--net=${path}`, "true"]);
    else await runChecked("mount", ["--bind", from, path]);
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/** True when `path` is a pinned namespace (an nsfs mount), false when absent or a plain file. */
export async function isPinned(path: string): Promise<boolean> {
  try {
    return (await statfs(path)).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}

/** Unmounts and removes a pinned namespace; quiet when it is already gone. */
export async function unpinNetns(path: string): Promise<void> {
  if (await isPinned(path)) {
    const result = await runCommand("umount", [path]);
    if (result.code !== 0 && (await isPinned(path))) {
      throw new Error(`umount ${path}: ${result.stderr.trim()}`);
    }
  }
  await rm(path, { force: true });
}
