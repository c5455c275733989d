/**
 * Choosing a network's subnet and bridge name. Pure: the caller passes what is taken.
 *
 * @module
 */
import { blockSize, type Cidr, lastAddress, overlaps } from "./ipv4.js";

/** Where the SDK picks subnets by default: 10.89.0.0/16 in /24s (Podman's range; Docker uses 172.17+). */
export const DEFAULT_SUBNET_POOL: Cidr = { base: 0x0a590000, prefix: 16 };

/** The prefix length of a subnet the SDK picks. */
export const DEFAULT_SUBNET_PREFIX = 24;

/**
 * The first block of length `prefix` inside `pool` that overlaps none of `taken`, searching from
 * the block after `after` and wrapping around (next-fit, as host-local IPAM hands out addresses), or
 * undefined when the pool is full. Next-fit keeps a subnet just freed out of use for as long as the
 * pool allows, so no stale route, ARP or conntrack entry, nor a client holding an old address, meets
 * a new network on it.
 */
export function pickSubnet(
  pool: Cidr,
  prefix: number,
  taken: readonly Cidr[],
  after?: Cidr,
): Cidr | undefined {
  const size = blockSize(prefix);
  const count = Math.floor((lastAddress(pool) - pool.base + 1) / size);
  const start = after && overlaps(after, pool) ? Math.floor((after.base - pool.base) / size) + 1 : 0;
  for (let i = 0; i < count; i++) {
    const candidate = { base: pool.base + ((start + i) % count) * size, prefix };
    if (!taken.some((block) => overlaps(block, candidate))) return candidate;
  }
  return undefined;
}

/**
 * The bridge name the SDK gives a subnet: `csdk` and the subnet's first address in hex
 * (`csdk0a590300` for 10.89.3.0/24). Subnets the SDK holds never overlap, so neither do these names.
 */
export function bridgeNameFor(subnet: Cidr): string {
  return `csdk${subnet.base.toString(16).padStart(8, "0")}`;
}
