/**
 * The networks of a state directory: one conflist each, made with its host-wide claims (subnet,
 * bridge) and isolation rules, removed with its bridge, IPAM data and rules.
 *
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../errors/index.js";
import { type Claims, updateClaims } from "./claims.js";
import { runCommand } from "./command.js";
import { buildConflist, type Conflist, networkOf } from "./conflist.js";
import type { NetworkContext } from "./context.js";
import { readJson, writeExclusive } from "./files.js";
import { readHostBlocks, readLinkNames } from "./host-facts.js";
import { type Cidr, formatCidr, formatIpv4, overlaps, parseCidr } from "./ipv4.js";
import { isolateBridge, unisolateBridge } from "./isolation.js";
import { debug } from "./log.js";
import { bridgeNameFor, pickSubnet } from "./subnets.js";
import type { Network } from "./types.js";
import type { CreateRequest } from "./validate.js";

/** The conflist of network `name`, or undefined when there is none. */
export async function readConflist(ctx: NetworkContext, name: string): Promise<Conflist | undefined> {
  const conflist = (await readJson(ctx.paths.conflist(name))) as Conflist | undefined;
  return conflist && networkOf(conflist) ? conflist : undefined;
}

/** Network `name`; NotFoundError when there is none. */
export async function readNetwork(ctx: NetworkContext, name: string): Promise<Network> {
  const network = networkOf(await readConflist(ctx, name));
  if (!network) throw new NotFoundError(`containerd-sdk: network ${name} not found`);
  return network;
}

/** Every network of the state directory, by name. */
export async function listNetworks(ctx: NetworkContext): Promise<Network[]> {
  const files = await readdir(ctx.paths.netd).catch(() => [] as string[]);
  const names = files.filter((f) => f.endsWith(".conflist")).map((f) => f.slice(0, -".conflist".length));
  const networks = await Promise.all(names.map((n) => readConflist(ctx, n).then(networkOf)));
  return networks.filter((n): n is Network => n !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

/** What a new subnet must not overlap, each with a description for the conflict message. */
interface Taken {
  block: Cidr;
  what: string;
}

function takenBlocks(claims: Claims, host: Cidr[]): Taken[] {
  return [
    ...claims.networks.flatMap((c) => {
      const block = parseCidr(c.subnet);
      return block ? [{ block, what: `the subnet ${c.subnet} of another network (bridge ${c.bridge})` }] : [];
    }),
    ...host.map((block) => ({ block, what: `the host's route or nameserver ${formatCidr(block)}` })),
  ];
}

/** The subnet and bridge for a new network: the caller's, checked, or the next free ones after `after`. */
function choose(
  ctx: NetworkContext,
  req: CreateRequest,
  taken: Taken[],
  links: Set<string>,
  after?: Cidr,
): [Cidr, string] {
  if (req.subnet) {
    const clash = taken.find((t) => overlaps(t.block, req.subnet as Cidr));
    if (clash)
      throw new ConflictError(`containerd-sdk: subnet ${formatCidr(req.subnet)} overlaps ${clash.what}`);
    const bridge = req.bridge ?? bridgeNameFor(req.subnet);
    if (links.has(bridge)) throw new ConflictError(`containerd-sdk: bridge ${bridge} exists already`);
    return [req.subnet, bridge];
  }
  const blocks = taken.map((t) => t.block);
  for (;;) {
    const subnet = pickSubnet(ctx.subnetPool, ctx.subnetPrefix, blocks, after);
    if (!subnet)
      throw new ConflictError(`containerd-sdk: no free subnet left in ${formatCidr(ctx.subnetPool)}`);
    const bridge = req.bridge ?? bridgeNameFor(subnet);
    if (!links.has(bridge)) return [subnet, bridge];
    if (req.bridge) throw new ConflictError(`containerd-sdk: bridge ${bridge} exists already`);
    blocks.push(subnet); // a leftover device of that name: skip its subnet
  }
}

/**
 * Makes network `name`: claims its subnet and bridge host-wide, writes its conflist and adds its
 * isolation rules, all under the claims lock. AlreadyExistsError when the name is taken here,
 * ConflictError when the subnet or bridge is taken on the host.
 */
export async function createNetwork(ctx: NetworkContext, name: string, req: CreateRequest): Promise<Network> {
  const path = ctx.paths.conflist(name);
  const exists = () => new AlreadyExistsError(`containerd-sdk: network ${name} already exists`);
  if (await readConflist(ctx, name)) throw exists();
  const [host, links] = await Promise.all([readHostBlocks(ctx.resolvConf), readLinkNames()]);
  return updateClaims(ctx.claimsFile, async (claims) => {
    const taken = takenBlocks(claims, host);
    for (const c of claims.networks) links.add(c.bridge);
    const last = claims.lastSubnet === undefined ? undefined : parseCidr(claims.lastSubnet);
    const [subnet, bridge] = choose(ctx, req, taken, links, last);
    const gateway = formatIpv4(req.gateway ?? subnet.base + 1);
    const network: Network = {
      name,
      subnet: formatCidr(subnet),
      gateway,
      bridge,
      labels: req.labels,
      createdAt: new Date(),
    };
    const conflist = buildConflist(network, ctx.paths.ipam);
    if (!(await writeExclusive(path, `${JSON.stringify(conflist, null, 2)}\n`))) throw exists();
    try {
      await isolateBridge(bridge);
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    claims.networks.push({ subnet: network.subnet, bridge, owner: path });
    if (!req.subnet) claims.lastSubnet = network.subnet;
    debug("network %s: subnet %s, bridge %s", name, network.subnet, bridge);
    return network;
  });
}

/**
 * Removes network `name`'s bridge, isolation rules, IPAM data and conflist, and frees its claims.
 * The caller has checked that nothing is attached.
 */
export async function removeNetwork(ctx: NetworkContext, network: Network): Promise<void> {
  const path = ctx.paths.conflist(network.name);
  await updateClaims(ctx.claimsFile, async (claims) => {
    await unisolateBridge(network.bridge);
    const del = await runCommand("ip", ["link", "del", network.bridge]);
    if (del.code !== 0 && !/Cannot find device/.test(del.stderr)) {
      throw new Error(`ip link del ${network.bridge}: ${del.stderr.trim()}`);
    }
    await rm(join(ctx.paths.ipam, network.bridge), { recursive: true, force: true });
    await rm(path, { force: true });
    claims.networks = claims.networks.filter((c) => c.owner !== path);
  });
}
