/**
 * Attachments that need no CNI: `none` (loopback only, made by runc), `host` (the host's stack) and
 * `{ container }` (another container's pinned namespace). Each is a cache entry and, except for a
 * shared namespace, its own /etc files.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { FailedPreconditionError, NotFoundError } from "../errors/index.js";
import { completionOf } from "./completions.js";
import type { NetworkContext } from "./context.js";
import { containerResolvConf, filesIn, hostResolvConf, renderHosts, writeEtcFiles } from "./etc-files.js";
import { type AttachmentRecord, createRecord, readRecord, saveRecord, toAttachment } from "./records.js";
import { teardown } from "./teardown.js";
import type { NetworkAttachment } from "./types.js";

/** Options of an attach, checked by the caller. */
export interface AttachOptions {
  /** The container's host name, for /etc/hostname and its own hosts line. Default the container id. */
  hostname?: string;
  /** An existing network namespace (`/proc/<pid>/ns/net`) to pin instead of making a new one. */
  netnsPath?: string;
  /** Aborting gives up the attach; what it made is undone. */
  signal?: AbortSignal;
}

/** A fresh `adding` cache entry for container `id`, mode `none` until the caller says otherwise. */
export function newRecord(ctx: NetworkContext, id: string, opts: AttachOptions): AttachmentRecord {
  return {
    containerId: id,
    namespace: ctx.namespace,
    mode: "none",
    name: "none",
    ports: [],
    aliases: [],
    hostname: opts.hostname ?? id,
    files: filesIn(ctx.paths.etc(ctx.namespace, id)),
    state: "adding",
    pid: process.pid,
    createdAt: new Date().toISOString(),
  };
}

/** A cache entry and its files for a container without CNI; undone if writing the files fails. */
async function attachPlain(
  ctx: NetworkContext,
  record: AttachmentRecord,
  files: () => Promise<{ hosts: string; resolvConf: string }>,
): Promise<NetworkAttachment> {
  await createRecord(ctx.paths, record);
  try {
    // A shared namespace shares its owner's files too.
    if (record.mode !== "container") {
      await writeEtcFiles(record.files, { ...(await files()), hostname: record.hostname });
    }
    record.state = "ready";
    await saveRecord(ctx.paths, record);
  } catch (err) {
    await teardown(ctx, record, { del: false, quiet: true });
    throw err;
  }
  return toAttachment(record);
}

/** The host's stack: the host's own hosts file and resolv.conf. */
export async function attachHost(
  ctx: NetworkContext,
  id: string,
  opts: AttachOptions,
): Promise<NetworkAttachment> {
  const record: AttachmentRecord = { ...newRecord(ctx, id, opts), mode: "host", name: "host" };
  return attachPlain(ctx, record, async () => ({
    hosts: await readFile("/etc/hosts", "utf8").catch(() =>
      renderHosts({ ip: "127.0.1.1", names: [record.hostname] }, []),
    ),
    resolvConf: await readFile(ctx.resolvConf, "utf8").catch(() => ""),
  }));
}

/** Loopback only: the hostname on 127.0.1.1. */
export async function attachNone(
  ctx: NetworkContext,
  id: string,
  opts: AttachOptions,
): Promise<NetworkAttachment> {
  const record = newRecord(ctx, id, opts);
  return attachPlain(ctx, record, async () => ({
    hosts: renderHosts({ ip: "127.0.1.1", names: [record.hostname] }, []),
    resolvConf: containerResolvConf(await hostResolvConf(ctx.resolvConf)),
  }));
}

/** Shares container `peer`'s namespace; its files and address come with it. */
export async function attachToPeer(
  ctx: NetworkContext,
  id: string,
  peer: string,
  opts: AttachOptions,
): Promise<NetworkAttachment> {
  // A peer made by containers.create in this process may still be completing its attachment.
  await completionOf(ctx.paths.result(ctx.namespace, peer))?.catch(() => {});
  const other = await readRecord(ctx.paths, ctx.namespace, peer);
  if (other?.state !== "ready") {
    throw new NotFoundError(`containerd-sdk: network.container: container ${peer} has no network attachment`);
  }
  if (other.mode === "none" || other.mode === "container") {
    throw new FailedPreconditionError(
      `containerd-sdk: network.container: container ${peer} has no network namespace to share (its network is ${other.name})`,
    );
  }
  const record: AttachmentRecord = {
    ...newRecord(ctx, id, opts),
    mode: "container",
    name: `container:${peer}`,
    peer,
    files: other.files,
    ...(other.netnsPath ? { netnsPath: other.netnsPath } : {}),
    ...(other.ip ? { ip: other.ip } : {}),
    ...(other.gateway ? { gateway: other.gateway } : {}),
  };
  return attachPlain(ctx, record, async () => ({ hosts: "", resolvConf: "" }));
}
