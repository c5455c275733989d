/**
 * Attaching a container to its network before its task exists. For a bridge network: the cache
 * entry first (it owns the port claims), then a pinned namespace, host ports and the /etc files; then
 * the CNI ADD (loopback, then the conflist), the result cached, and the hosts files rewritten with the
 * address. Any failure undoes what was made.
 * `host`, `none` and `{ container }` need no CNI (attach-plain.ts).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { InternalError, NotFoundError } from "../errors/index.js";
import { type AttachOptions, attachHost, attachNone, attachToPeer, newRecord } from "./attach-plain.js";
import { addChain, addLoopback, findPlugins } from "./cni.js";
import { trackCompletion } from "./completions.js";
import { type Conflist, pluginTypes } from "./conflist.js";
import type { NetworkContext } from "./context.js";
import { containerResolvConf, hostResolvConf, renderHosts, writeEtcFiles } from "./etc-files.js";
import { refreshHosts } from "./hosts-sync.js";
import { addRules, allowLocalnet } from "./iptables.js";
import { withLock } from "./lock.js";
import { pinNetns } from "./netns.js";
import { readConflist } from "./network-store.js";
import { reservePorts } from "./ports.js";
import { type AttachmentRecord, createRecord, saveRecord, toAttachment } from "./records.js";
import { ruleTarget, runtimeOf, teardown } from "./teardown.js";
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

/**
 * The SDK's own rules for the attachment (rules.ts), recorded first so that a crash between the two
 * still has them removed; and loopback DNAT allowed on the bridge, as portmap allows it.
 */
async function addOwnRules(ctx: NetworkContext, record: AttachmentRecord): Promise<void> {
  record.rules = true;
  await saveRecord(ctx.paths, record);
  const target = ruleTarget(record);
  if (!target)
    throw new InternalError(`containerd-sdk: the bridge plugin gave ${record.containerId} no address`);
  await allowLocalnet((record.conflist as Conflist).name);
  await addRules(target, (fn) => withLock(`${ctx.claimsFile}.lock`, fn));
}

/** A bridge attachment made up to its CNI ADD: what {@link completeBridge} finishes. */
interface PreparedBridge {
  record: AttachmentRecord;
  conflist: Conflist;
  plugins: Map<string, string>;
}

/**
 * Steps 1–3 and the /etc files, everything a spec and a task need to exist: the cache entry, the
 * pinned namespace, the host ports, and files whose hosts entry waits for the address (the
 * completion rewrites it in place, where a task's bind mount still sees it).
 */
async function prepareBridge(
  ctx: NetworkContext,
  id: string,
  req: BridgeRequest,
  opts: AttachOptions,
  getNetwork: (name: string) => Promise<Network>,
): Promise<PreparedBridge> {
  const prepared = await reserve(ctx, id, req, opts, getNetwork);
  const { record } = prepared;
  const owner = ctx.paths.result(ctx.namespace, id);
  // Three independent steps at once; every one settles before a failure undoes them all.
  const steps = await Promise.allSettled([
    pinNetns(record.netnsPath as string, opts.netnsPath),
    reservePorts(ctx.claimsFile, owner, req.ports, ctx.hostPortRange).then((ports) => {
      record.ports = ports;
    }),
    hostResolvConf(ctx.resolvConf).then((host) =>
      writeEtcFiles(record.files, {
        hosts: renderHosts({ ip: "127.0.1.1", names: [record.hostname, id, ...record.aliases] }, []),
        hostname: record.hostname,
        resolvConf: containerResolvConf(host),
      }),
    ),
  ]);
  const failed = steps.find((step) => step.status === "rejected");
  if (!failed) return prepared;
  await teardown(ctx, record, { del: false, quiet: true, plugins: prepared.plugins }).catch(() => {});
  throw failed.reason;
}

/** The CNI ADD, the SDK's rules and the hosts files of the network's members; undone on failure. */
async function completeBridge(
  ctx: NetworkContext,
  { record, conflist, plugins }: PreparedBridge,
  opts: AttachOptions,
): Promise<NetworkAttachment> {
  try {
    const rt = { ...(await runtimeOf(ctx, record, plugins)), signal: opts.signal };
    // A namespace made by pinNetns has `lo` up already; one pinned from a process may not.
    if (opts.netnsPath !== undefined) await addLoopback(rt);
    record.result = await addChain(conflist, rt);
    Object.assign(record, addressOf(record.result));
    // A network made by an earlier version runs portmap and firewall itself.
    if (!conflist.plugins.some((p) => p.type === "portmap")) await addOwnRules(ctx, record);
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
      return prepareBridge(ctx, id, request, opts, getNetwork).then((p) => completeBridge(ctx, p, opts));
  }
}

/**
 * Attaches as {@link attach} does, but returns a bridge attachment once its namespace, ports and
 * files exist, before its address: the rest runs on, tracked by completions.ts, for the first task
 * (which can be created meanwhile) to wait for. Without the caller's signal, which covers only the
 * part it waits for.
 */
export async function beginAttach(
  ctx: NetworkContext,
  id: string,
  request: AttachRequest,
  opts: AttachOptions,
  getNetwork: (name: string) => Promise<Network>,
): Promise<NetworkAttachment> {
  if (request.mode !== "bridge") return attach(ctx, id, request, opts, getNetwork);
  const prepared = await prepareBridge(ctx, id, request, opts, getNetwork);
  const { signal: _, ...rest } = opts;
  trackCompletion(ctx.paths.result(ctx.namespace, id), completeBridge(ctx, prepared, rest));
  return toAttachment(prepared.record);
}
