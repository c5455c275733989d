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
 * The first block of length `prefix` inside `pool` that overlaps none of `taken`, or undefined when
 * the pool is full.
 */
export function pickSubnet(pool: Cidr, prefix: number, taken: readonly Cidr[]): Cidr | undefined {
  const size = blockSize(prefix);
  for (let base = pool.base; base + size - 1 <= lastAddress(pool); base += size) {
    const candidate = { base, prefix };
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
