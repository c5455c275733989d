/**
 * Keeps the hosts files of a network's containers in step: each lists the container itself, then
 * every other container on the network with its aliases. Rewritten under the state directory's lock
 * whenever one joins or leaves, so the last writer always saw every member.
 *
 * @module
 */
import { type FileHandle, open } from "node:fs/promises";
import type { NetworkContext } from "./context.js";
import { type HostsEntry, renderHosts } from "./etc-files.js";
import { withLock } from "./lock.js";
import { type AttachmentRecord, listRecords } from "./records.js";

/** Rewrites an existing file in place; a file already removed (its container torn down) stays gone. */
async function rewrite(path: string, text: string): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, "r+");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  try {
    await file.truncate(0);
    await file.write(text, 0);
  } finally {
    await file.close();
  }
}

function entryOf(record: AttachmentRecord): HostsEntry {
  return { ip: record.ip ?? "", names: [record.hostname, record.containerId, ...record.aliases] };
}

/** Rewrites, in place, the hosts file of every container attached to network `name`. */
export async function refreshHosts(ctx: NetworkContext, name: string): Promise<void> {
  await withLock(ctx.paths.lock, async () => {
    const members = (await listRecords(ctx.paths)).filter(
      (r) => r.mode === "bridge" && r.name === name && r.state === "ready" && r.ip,
    );
    await Promise.all(
      members.map((self) => {
        const others = members.filter((m) => m !== self).map(entryOf);
        return rewrite(self.files.hosts, renderHosts(entryOf(self), others));
      }),
    );
  });
}
