/**
 * Finding attachments whose container is gone (deleted while no client was there to detach, or a
 * client that crashed mid-attach) and undoing them.
 *
 * @module
 */
import type { NetworkContext } from "./context.js";
import { debug } from "./log.js";
import { type AttachmentRecord, listRecords, toAttachment } from "./records.js";
import { teardown } from "./teardown.js";
import type { NetworkAttachment } from "./types.js";

/** Options of `networks.prune()`. */
export interface SweepOptions {
  /**
   * Attachments younger than this (ms) whose maker still runs are kept: their container may not be
   * created yet. Default 60000.
   */
  minAge?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isAbandoned(
  record: AttachmentRecord,
  isAlive: (containerId: string, namespace: string) => boolean | Promise<boolean>,
  minAge: number,
): Promise<boolean> {
  if (record.state === "adding") return !processAlive(record.pid);
  // Its maker may be about to create the container; once that process is gone, it never will.
  const young = Date.now() - Date.parse(record.createdAt) < minAge;
  if (young && processAlive(record.pid)) return false;
  return !(await isAlive(record.containerId, record.namespace));
}

/**
 * Undoes every attachment (in every namespace) whose container `isAlive` denies, and every half-made
 * one whose process died; returns what was removed. A DEL that fails for an attachment still goes:
 * nothing would ever retry it.
 */
export async function sweep(
  ctx: NetworkContext,
  isAlive: (containerId: string, namespace: string) => boolean | Promise<boolean>,
  options: SweepOptions = {},
): Promise<NetworkAttachment[]> {
  const removed: NetworkAttachment[] = [];
  for (const record of await listRecords(ctx.paths)) {
    if (!(await isAbandoned(record, isAlive, options.minAge ?? 60_000))) continue;
    debug("sweep: %s/%s (%s, %s)", record.namespace, record.containerId, record.name, record.state);
    await teardown({ ...ctx, namespace: record.namespace }, record, { del: true, quiet: true });
    removed.push(toAttachment(record));
  }
  return removed;
}
