/**
 * The CNI conflist of a network the SDK keeps, and the SDK's own record carried inside it. Pure.
 *
 * @module
 */
import type { Network } from "./types.js";

/** The CNI spec version the SDK's conflists speak (the reference plugins 1.1 support it). */
export const CNI_VERSION = "1.0.0";

/** The key under which a conflist carries the SDK's record; libcni and the plugins ignore it. */
const META_KEY = "containerd-sdk";

/** One plugin's entry in a conflist. */
export interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A CNI network configuration list. */
export interface Conflist {
  cniVersion: string;
  /** The CNI network name: the bridge's name, unique on the host (the plugins name chains after it). */
  name: string;
  plugins: PluginConf[];
  [META_KEY]?: NetworkMeta;
}

/** What the SDK records about a network beyond the plugins' configuration. */
interface NetworkMeta {
  name: string;
  subnet: string;
  gateway: string;
  bridge: string;
  labels: Record<string, string>;
  createdAt: string;
}

/**
 * The conflist of `network`: bridge (gateway, hairpin) with host-local IPAM keeping its reservations
 * under `ipamDir`. Masquerade, published ports and forwarding accepts, which the bridge plugin's
 * `ipMasq`, portmap and firewall would add with about 40 iptables processes per container, are the
 * SDK's own rules, one `iptables-restore` per container (rules.ts). No tuning plugin: without
 * options it changes nothing and cost a process per ADD and DEL (networks made before keep it).
 */
export function buildConflist(network: Network, ipamDir: string): Conflist {
  const { name, subnet, gateway, bridge, labels, createdAt } = network;
  return {
    cniVersion: CNI_VERSION,
    name: bridge,
    plugins: [
      {
        type: "bridge",
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet, gateway }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: ipamDir,
        },
      },
    ],
    [META_KEY]: { name, subnet, gateway, bridge, labels, createdAt: createdAt.toISOString() },
  };
}

/** The network a conflist written by {@link buildConflist} describes; undefined for any other. */
export function networkOf(conflist: unknown): Network | undefined {
  const meta = (conflist as Conflist | undefined)?.[META_KEY];
  if (!meta || typeof meta.name !== "string") return undefined;
  return { ...meta, labels: { ...meta.labels }, createdAt: new Date(meta.createdAt) };
}

/** The plugin types a conflist runs, loopback included (the SDK brings `lo` up in a pinned namespace). */
export function pluginTypes(conflist: Conflist): string[] {
  return ["loopback", ...conflist.plugins.map((p) => p.type), ...ipamTypes(conflist)];
}

function ipamTypes(conflist: Conflist): string[] {
  return conflist.plugins.flatMap((p) => {
    const ipam = p.ipam as { type?: unknown } | undefined;
    return typeof ipam?.type === "string" ? [ipam.type] : [];
  });
}
