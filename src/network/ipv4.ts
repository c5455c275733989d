/**
 * IPv4 addresses and CIDR blocks as plain numbers: parsing, formatting, overlap. Pure.
 *
 * @module
 */

/** An IPv4 block: its first address as an unsigned 32-bit number and its prefix length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a number, or undefined when `text` is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const m = OCTETS.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (const part of m.slice(1)) {
    const octet = Number(part);
    if (octet > 255 || (part.length > 1 && part.startsWith("0"))) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Dotted-quad text of an address number. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The number of addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/**
 * Parses `a.b.c.d/n` (or a bare address, read as `/32`). `strict` rejects host bits, so
 * `10.0.0.5/24` is undefined; otherwise the host bits are cleared.
 */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const [addr = "", len, extra] = text.split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIpv4(addr);
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : Number.NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
  const base = ip - (ip % blockSize(prefix));
  if (strict && base !== ip) return undefined;
  return { base, prefix };
}

/** `a.b.c.d/n` text of a block. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

/** The last address of a block (its broadcast address). */
export function lastAddress(cidr: Cidr): number {
  return cidr.base + blockSize(cidr.prefix) - 1;
}

/** True when the two blocks share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/** True when `ip` lies in `cidr`. */
export function contains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base && ip <= lastAddress(cidr);
}
