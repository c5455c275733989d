/**
 * Undoing an attachment, for detach, for a failed attach and for the sweep: CNI DEL with the cached
 * result while the namespace is still pinned, then unpin, free the host ports, remove the files and
 * the cache entry, and refresh the network's other hosts files.
 *
 * @module
 */
import { rm } from "node:fs/promises";
import { releaseClaims } from "./claims.js";
import { type CniRuntime, delChain, findPlugins } from "./cni.js";
import { pluginTypes } from "./conflist.js";
import type { NetworkContext } from "./context.js";
import { refreshHosts } from "./hosts-sync.js";
import { debug } from "./log.js";
import { isPinned, unpinNetns } from "./netns.js";
import { type AttachmentRecord, removeRecord } from "./records.js";
import type { PublishedPort } from "./types.js";

/** How portmap reads a published port from `runtimeConfig.portMappings`. */
export function portMapping(p: PublishedPort): Record<string, unknown> {
  const mapping: Record<string, unknown> = {
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
  };
  if (p.hostIp !== "0.0.0.0") mapping.hostIP = p.hostIp;
  return mapping;
}

/** The plugin environment of an attachment. */
export async function runtimeOf(
  ctx: NetworkContext,
  record: AttachmentRecord,
  plugins?: ReadonlyMap<string, string>,
): Promise<CniRuntime> {
  const netns = record.netnsPath && (await isPinned(record.netnsPath)) ? record.netnsPath : "";
  return {
    containerId: record.cniId ?? "",
    netns,
    plugins:
      plugins ??
      (record.conflist ? await findPlugins(pluginTypes(record.conflist), ctx.pluginDirs) : new Map()),
    dirs: ctx.pluginDirs,
    runtimeConfig: { portMappings: record.ports.map(portMapping) },
  };
}

/** Options of {@link teardown}. */
export interface TeardownOptions {
  /** Run the CNI DEL (false when a failed ADD already undid itself). */
  del: boolean;
  /** A DEL failure is logged instead of thrown (the record goes anyway). */
  quiet: boolean;
  plugins?: ReadonlyMap<string, string>;
  signal?: AbortSignal;
}

/**
 * Undoes `record`. A DEL failure that is not `quiet` throws before anything else is removed, so the
 * cache keeps what a retry needs.
 */
export async function teardown(
  ctx: NetworkContext,
  record: AttachmentRecord,
  opts: TeardownOptions,
): Promise<void> {
  const { namespace, containerId } = record;
  if (record.mode === "bridge" && opts.del && record.conflist) {
    try {
      const rt = await runtimeOf(ctx, record, opts.plugins);
      await delChain(record.conflist, { ...rt, signal: opts.signal }, record.result);
    } catch (err) {
      if (!opts.quiet) throw err;
      debug("teardown %s/%s: DEL failed: %s", namespace, containerId, err);
    }
  }
  if (record.mode === "bridge" && record.netnsPath) await unpinNetns(record.netnsPath);
  // An attach cut short may hold ports its record does not list yet.
  if (record.mode === "bridge" && (record.state === "adding" || record.ports.length > 0)) {
    await releaseClaims(ctx.claimsFile, ctx.paths.result(namespace, containerId));
  }
  if (record.mode !== "container")
    await rm(ctx.paths.etc(namespace, containerId), { recursive: true, force: true });
  await removeRecord(ctx.paths, namespace, containerId);
  if (record.mode === "bridge" && record.state === "ready") await refreshHosts(ctx, record.name);
}
