/**
 * Checks the network options callers give, before any work: every failure is an
 * InvalidArgumentError naming the field. Pure.
 *
 * @module
 */

import { assertIdentifier } from "../base/identifiers.js";
import { checkOptionKeys } from "../base/option-keys.js";
import { checkInteger, checkString, checkStringRecord, invalid, isRecord } from "../base/validate.js";
import { type Cidr, contains, formatCidr, lastAddress, parseCidr, parseIpv4 } from "./ipv4.js";
import type { PortProtocol } from "./types.js";

/** The name of the default network, made on first use. */
export const DEFAULT_NETWORK = "bridge";

/** Names that are modes, never networks. */
const RESERVED_NAMES = ["host", "none"];

/** A port mapping with every default filled in; `hostPort` 0 means "choose one". */
export interface PortRequest {
  containerPort: number;
  hostPort: number;
  /** `""` for every host address. */
  hostIp: string;
  protocol: PortProtocol;
}

/** A network request, checked and with defaults. */
export type AttachRequest =
  | { mode: "none" }
  | { mode: "host" }
  | { mode: "bridge"; network: string; ports: PortRequest[]; aliases: string[] }
  | { mode: "container"; peer: string };

/** `networks.create` options, checked. */
export interface CreateRequest {
  subnet?: Cidr;
  gateway?: number;
  bridge?: string;
  labels: Record<string, string>;
}

/** Asserts a name a network may have (containerd's identifier grammar, not `host` or `none`). */
export function checkNetworkName(value: unknown, field = "name"): string {
  assertIdentifier(value, field);
  if (RESERVED_NAMES.includes(value)) throw invalid(field, value, "is a network mode, not a network name");
  return value;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Asserts a host name for /etc/hosts: dot-separated labels of letters, digits and inner hyphens. */
export function checkHostName(value: unknown, field: string): string {
  const name = checkString(field, value);
  if (name.length > 253 || !name.split(".").every((label) => HOST_LABEL.test(label))) {
    throw invalid(field, value, "must be a host name (letters, digits, inner hyphens, dot-separated)");
  }
  return name;
}

/** Checks `networks.create` options. */
export function checkCreateOptions(value: unknown, field = "options"): CreateRequest {
  if (value === undefined) return { labels: {} };
  if (!isRecord(value)) throw invalid(field, value, "must be an object");
  checkOptionKeys(value, ["subnet", "gateway", "bridge", "labels"], field);
  const out: CreateRequest = { labels: {} };
  if (value.subnet !== undefined) out.subnet = checkSubnet(value.subnet, `${field}.subnet`);
  if (value.gateway !== undefined) {
    if (!out.subnet) throw invalid(`${field}.gateway`, value.gateway, "needs a subnet");
    out.gateway = checkGateway(value.gateway, out.subnet, `${field}.gateway`);
  }
  if (value.bridge !== undefined) out.bridge = checkBridgeName(value.bridge, `${field}.bridge`);
  if (value.labels !== undefined) out.labels = checkStringRecord(`${field}.labels`, value.labels);
  return out;
}

/** An IPv4 block without host bits, /8 to /30 (a gateway and at least one container). */
export function checkSubnet(value: unknown, field: string): Cidr {
  const text = checkString(field, value);
  const cidr = parseCidr(text, true);
  if (!cidr) {
    const loose = parseCidr(text);
    const hint = loose ? ` (host bits set: did you mean ${formatCidr(loose)}?)` : "";
    throw invalid(field, value, `must be an IPv4 block such as "10.89.0.0/24"${hint}`);
  }
  if (cidr.prefix < 8 || cidr.prefix > 30) throw invalid(field, value, "must have a prefix from /8 to /30");
  return cidr;
}

function checkGateway(value: unknown, subnet: Cidr, field: string): number {
  const ip = parseIpv4(checkString(field, value));
  if (ip === undefined) throw invalid(field, value, "must be an IPv4 address");
  if (!contains(subnet, ip) || ip === subnet.base || ip === lastAddress(subnet)) {
    throw invalid(field, value, "must be a host address inside the subnet");
  }
  return ip;
}

/** A Linux interface name: at most 15 characters, no `/`, no spaces. */
export function checkBridgeName(value: unknown, field: string): string {
  const name = checkString(field, value);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/.test(name)) {
    throw invalid(field, value, "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'");
  }
  return name;
}

/** Checks a container's network request (`containers.create`'s `network`). */
export function checkAttachRequest(value: unknown, field = "network"): AttachRequest {
  if (value === undefined || value === "none") return { mode: "none" };
  if (value === "host") return { mode: "host" };
  if (typeof value === "string") return bridgeRequest({ name: value }, field);
  if (!isRecord(value)) throw invalid(field, value, 'must be "none", "host", a network name or an object');
  if ("container" in value) {
    checkOptionKeys(value, ["container"], field);
    assertIdentifier(value.container, `${field}.container`);
    return { mode: "container", peer: value.container };
  }
  if (value.name === "host" || value.name === "none") {
    checkOptionKeys(value, ["name"], field);
    return { mode: value.name };
  }
  return bridgeRequest(value, field);
}

function bridgeRequest(value: Record<string, unknown>, field: string): AttachRequest {
  checkOptionKeys(value, ["name", "ports", "aliases"], field);
  const network = value.name === undefined ? DEFAULT_NETWORK : checkNetworkName(value.name, `${field}.name`);
  const ports = value.ports === undefined ? [] : checkPorts(value.ports, `${field}.ports`);
  const aliases = value.aliases === undefined ? [] : checkAliases(value.aliases, `${field}.aliases`);
  return { mode: "bridge", network, ports, aliases };
}

function checkAliases(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw invalid(field, value, "must be an array of host names");
  return value.map((alias, i) => checkHostName(alias, `${field}[${i}]`));
}

/** Checks port mappings: numbers in range, known protocols, IPv4 host addresses, no two alike. */
export function checkPorts(value: unknown, field: string): PortRequest[] {
  if (!Array.isArray(value)) throw invalid(field, value, "must be an array of port mappings");
  const ports = value.map((item, i) => checkPort(item, `${field}[${i}]`));
  for (const [i, port] of ports.entries()) {
    const twin = ports.findIndex((other) => samePublished(other, port) || sameTarget(other, port));
    if (twin < i) throw invalid(`${field}[${i}]`, value[i], `repeats ${field}[${twin}]`);
  }
  return ports;
}

function samePublished(a: PortRequest, b: PortRequest): boolean {
  return a.hostPort !== 0 && a.hostPort === b.hostPort && a.protocol === b.protocol && hostIpsMeet(a, b);
}

function sameTarget(a: PortRequest, b: PortRequest): boolean {
  return a.containerPort === b.containerPort && a.protocol === b.protocol && a.hostIp === b.hostIp;
}

/** True when two host addresses can receive the same packet: equal, or either is every address. */
export function hostIpsMeet(a: { hostIp: string }, b: { hostIp: string }): boolean {
  return a.hostIp === "" || b.hostIp === "" || a.hostIp === b.hostIp;
}

function checkPort(value: unknown, field: string): PortRequest {
  if (!isRecord(value)) throw invalid(field, value, "must be a port mapping object");
  checkOptionKeys(value, ["containerPort", "hostPort", "hostIp", "protocol"], field);
  const containerPort = checkInteger(`${field}.containerPort`, value.containerPort, 1, 65535);
  const hostPort =
    value.hostPort === undefined ? 0 : checkInteger(`${field}.hostPort`, value.hostPort, 0, 65535);
  const protocol = value.protocol ?? "tcp";
  if (protocol !== "tcp" && protocol !== "udp")
    throw invalid(`${field}.protocol`, protocol, 'must be "tcp" or "udp"');
  let hostIp = "";
  if (value.hostIp !== undefined) {
    const text = checkString(`${field}.hostIp`, value.hostIp);
    if (parseIpv4(text) === undefined)
      throw invalid(`${field}.hostIp`, value.hostIp, "must be an IPv4 address");
    hostIp = text === "0.0.0.0" ? "" : text;
  }
  return { containerPort, hostPort, hostIp, protocol };
}
