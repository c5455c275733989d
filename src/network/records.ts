/**
 * The attachment cache: one JSON file per attached container, holding what detach needs from
 * another process (the conflist and ADD result for DEL, the pinned namespace, the files), so a new
 * client can tear down what an earlier one set up, as libcni's result cache allows.
 *
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { AlreadyExistsError } from "../errors/index.js";
import type { Conflist } from "./conflist.js";
import { readJson, writeAtomic, writeExclusive } from "./files.js";
import type { StatePaths } from "./paths.js";
import type { NetworkAttachment } from "./types.js";

/** What the cache keeps per container. */
export interface AttachmentRecord extends NetworkAttachment {
  /** `adding` from the first step of attach until its ADD result is stored. */
  state: "adding" | "ready";
  /** The process that made it; an `adding` record whose process is gone was abandoned. */
  pid: number;
  createdAt: string;
  /** CNI_CONTAINERID, unique on the host. */
  cniId?: string;
  /** The conflist of the ADD, kept for its DEL. */
  conflist?: Conflist;
  /** The ADD result, DEL's `prevResult`. */
  result?: unknown;
}

/** The cached record of a container, or undefined. */
export async function readRecord(
  paths: StatePaths,
  namespace: string,
  id: string,
): Promise<AttachmentRecord | undefined> {
  return (await readJson(paths.result(namespace, id))) as AttachmentRecord | undefined;
}

/** Stores a new record; AlreadyExistsError when the container is attached already. */
export async function createRecord(paths: StatePaths, record: AttachmentRecord): Promise<void> {
  const path = paths.result(record.namespace, record.containerId);
  if (!(await writeExclusive(path, JSON.stringify(record)))) {
    throw new AlreadyExistsError(
      `containerd-sdk: container ${record.containerId} (namespace ${record.namespace}) already has a network attachment`,
    );
  }
}

/** Replaces a record. */
export function saveRecord(paths: StatePaths, record: AttachmentRecord): Promise<void> {
  return writeAtomic(paths.result(record.namespace, record.containerId), JSON.stringify(record));
}

/** Removes a record; quiet when it is gone. */
export function removeRecord(paths: StatePaths, namespace: string, id: string): Promise<void> {
  return rm(paths.result(namespace, id), { force: true });
}

/** Every cached record, in every namespace. */
export async function listRecords(paths: StatePaths): Promise<AttachmentRecord[]> {
  const namespaces = await readdir(paths.results).catch(() => [] as string[]);
  const records = await Promise.all(
    namespaces.map(async (ns) => {
      const names = await readdir(join(paths.results, ns)).catch(() => [] as string[]);
      const ids = names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5));
      return Promise.all(ids.map((id) => readRecord(paths, ns, id)));
    }),
  );
  return records.flat().filter((r): r is AttachmentRecord => r !== undefined);
}

/** The public view of a record: what a caller may keep. */
export function toAttachment(record: AttachmentRecord): NetworkAttachment {
  const { state: _s, pid: _p, createdAt: _c, cniId: _i, conflist: _l, result: _r, ...attachment } = record;
  return structuredClone(attachment);
}
