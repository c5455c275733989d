/**
 * Attaching a container to its network before its task exists. For a bridge network: the cache
 * entry first (it owns the port claims), then a pinned namespace, host ports, the CNI ADD (loopback,
 * then the conflist), the result cached, and the /etc files; any failure undoes what was made.
 * `host`, `none` and `{ container }` need no CNI (attach-plain.ts).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { NotFoundError } from "../errors/index.js";
import { type AttachOptions, attachHost, attachNone, attachToPeer, newRecord } from "./attach-plain.js";
import { addChain, addLoopback, findPlugins } from "./cni.js";
import { type Conflist, pluginTypes } from "./conflist.js";
import type { NetworkContext } from "./context.js";
import { containerResolvConf, hostResolvConf, renderHosts, writeEtcFiles } from "./etc-files.js";
import { refreshHosts } from "./hosts-sync.js";
import { withLock } from "./lock.js";
import { pinNetns } from "./netns.js";
import { readConflist } from "./network-store.js";
import { reservePorts } from "./ports.js";
import { type AttachmentRecord, createRecord, saveRecord, toAttachment } from "./records.js";
import { runtimeOf, teardown } from "./teardown.js";
import type { Network, NetworkAttachment } from "./types.js";
import type { AttachRequest } from "./validate.js";

type BridgeRequest = Extract<AttachRequest, { mode: "bridge" }>;

/** The address and gateway of a CNI result's first IP. */
export function addressOf(result: unknown): { ip?: string; gateway?: string } {
  const ips = (result as { ips?: { address?: string; gateway?: string }[] } | undefined)?.ips;
  const first = ips?.find((entry) => typeof entry.address === "string");
  if (!first?.address) return {};
  return { ip: first.address.split("/")[0], ...(first.gateway ? { gateway: first.gateway } : {}) };
}

/** Step 1, under the state lock (so a network delete sees it): the network and a cache entry. */
async function reserve(
  ctx: NetworkContext,
  id: string,
  req: BridgeRequest,
  opts: AttachOptions,
  getNetwork: (name: string) => Promise<Network>,
): Promise<{ record: AttachmentRecord; conflist: Conflist; plugins: Map<string, string> }> {
  return withLock(ctx.paths.lock, async () => {
    const network = await getNetwork(req.network);
    const conflist = await readConflist(ctx, network.name);
    if (!conflist) throw new NotFoundError(`containerd-sdk: network ${network.name} not found`);
    const plugins = await findPlugins(pluginTypes(conflist), ctx.pluginDirs);
    const record: AttachmentRecord = {
      ...newRecord(ctx, id, opts),
      mode: "bridge",
      name: network.name,
      subnet: network.subnet,
      aliases: req.aliases,
      netnsPath: ctx.paths.netns(ctx.namespace, id),
      cniId: createHash("sha256").update(`${ctx.namespace}\0${id}`).digest("hex"),
      conflist,
    };
    await createRecord(ctx.paths, record);
    return { record, conflist, plugins };
  });
}

async function attachBridge(
  ctx: NetworkContext,
  id: string,
  req: BridgeRequest,
  opts: AttachOptions,
  getNetwork: (name: string) => Promise<Network>,
): Promise<NetworkAttachment> {
  const { record, conflist, plugins } = await reserve(ctx, id, req, opts, getNetwork);
  const netnsPath = record.netnsPath as string;
  try {
    await pinNetns(netnsPath, opts.netnsPath);
    const owner = ctx.paths.result(ctx.namespace, id);
    record.ports = await reservePorts(ctx.claimsFile, owner, req.ports, ctx.hostPortRange);
    const rt = { ...(await runtimeOf(ctx, record, plugins)), signal: opts.signal };
    await addLoopback(rt);
    record.result = await addChain(conflist, rt);
    Object.assign(record, addressOf(record.result));
    await writeEtcFiles(record.files, {
      hosts: renderHosts(
        { ip: record.ip ?? "127.0.1.1", names: [record.hostname, id, ...record.aliases] },
        [],
      ),
      hostname: record.hostname,
      resolvConf: containerResolvConf(await hostResolvConf(ctx.resolvConf)),
    });
    record.state = "ready";
    await saveRecord(ctx.paths, record);
    await refreshHosts(ctx, record.name);
    return toAttachment(record);
  } catch (err) {
    await teardown(ctx, record, { del: record.result !== undefined, quiet: true, plugins }).catch(() => {});
    throw err;
  }
}

/** Attaches container `id` as `request` says; the caller has checked both. */
export function attach(
  ctx: NetworkContext,
  id: string,
  request: AttachRequest,
  opts: AttachOptions,
  getNetwork: (name: string) => Promise<Network>,
): Promise<NetworkAttachment> {
  switch (request.mode) {
    case "none":
      return attachNone(ctx, id, opts);
    case "host":
      return attachHost(ctx, id, opts);
    case "container":
      return attachToPeer(ctx, id, request.peer, opts);
    case "bridge":
      return attachBridge(ctx, id, request, opts, getNetwork);
  }
}
