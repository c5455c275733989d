/**
 * The options of the network layer, resolved once: where its state lives, where the plugins are,
 * which addresses and ports it may take.
 *
 * @module
 */

import { assertIdentifier } from "../base/identifiers.js";
import { checkOptionKeys } from "../base/option-keys.js";
import { checkAbsolutePath, checkInteger, checkStringArray, invalid, isRecord } from "../base/validate.js";
import type { Cidr } from "./ipv4.js";
import { DEFAULT_CLAIMS_FILE, DEFAULT_STATE_DIR, type StatePaths, statePaths } from "./paths.js";
import { DEFAULT_HOST_PORT_RANGE } from "./ports.js";
import { DEFAULT_SUBNET_POOL, DEFAULT_SUBNET_PREFIX } from "./subnets.js";
import { checkSubnet } from "./validate.js";

/** Options of {@link Networks}. */
export interface NetworksOptions {
  /** Where conflists, IPAM data, the attachment cache, pinned namespaces and /etc files live.
   * Default `/var/lib/containerd-sdk/cni`. A test daemon passes a private one. */
  stateDir?: string;
  /** The host-wide claims of subnets, bridges and host ports, shared by every state directory.
   * Default `/var/lib/containerd-sdk/network-claims.json`; change it only to keep a test off the host's. */
  claimsFile?: string;
  /** Directories searched for CNI plugins, in order. Default `/usr/lib/cni` (Debian), `/opt/cni/bin`. */
  pluginDirs?: string[];
  /** The containerd namespace attachments are kept under. Default `"default"`. */
  namespace?: string;
  /** The block subnets are picked from, in /24s. Default `"10.89.0.0/16"`. */
  subnetPool?: string;
  /** Host ports chosen for mappings without one: `[low, high]`. Default `[20000, 32767]`. */
  hostPortRange?: [number, number];
  /** The host's resolver configuration. Default `/etc/resolv.conf`. */
  resolvConf?: string;
  /** Whether a container still exists; {@link Networks.prune} removes attachments it denies. */
  isAlive?: (containerId: string, namespace: string) => boolean | Promise<boolean>;
}

/** The resolved options every operation reads. */
export interface NetworkContext {
  readonly paths: StatePaths;
  readonly claimsFile: string;
  readonly pluginDirs: readonly string[];
  readonly namespace: string;
  readonly subnetPool: Cidr;
  readonly subnetPrefix: number;
  readonly hostPortRange: readonly [number, number];
  readonly resolvConf: string;
  readonly isAlive?: (containerId: string, namespace: string) => boolean | Promise<boolean>;
}

function checkRange(value: unknown, field: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw invalid(field, value, "must be [low, high]");
  const low = checkInteger(`${field}[0]`, value[0], 1, 65535);
  const high = checkInteger(`${field}[1]`, value[1], low, 65535);
  return [low, high];
}

/** Checks the options and fills in the defaults. */
export function resolveContext(options: NetworksOptions = {}): NetworkContext {
  if (!isRecord(options)) throw invalid("options", options, "must be an object");
  checkOptionKeys(
    options,
    [
      "stateDir",
      "claimsFile",
      "pluginDirs",
      "namespace",
      "subnetPool",
      "hostPortRange",
      "resolvConf",
      "isAlive",
    ],
    "options",
  );
  const namespace = options.namespace ?? "default";
  assertIdentifier(namespace, "namespace");
  const pool =
    options.subnetPool === undefined ? DEFAULT_SUBNET_POOL : checkSubnet(options.subnetPool, "subnetPool");
  if (options.isAlive !== undefined && typeof options.isAlive !== "function") {
    throw invalid("isAlive", options.isAlive, "must be a function");
  }
  return {
    paths: statePaths(checkAbsolutePath("stateDir", options.stateDir ?? DEFAULT_STATE_DIR)),
    claimsFile: checkAbsolutePath("claimsFile", options.claimsFile ?? DEFAULT_CLAIMS_FILE),
    pluginDirs: checkStringArray("pluginDirs", options.pluginDirs ?? ["/usr/lib/cni", "/opt/cni/bin"]),
    namespace,
    subnetPool: pool,
    subnetPrefix: Math.max(pool.prefix, DEFAULT_SUBNET_PREFIX),
    hostPortRange: options.hostPortRange
      ? checkRange(options.hostPortRange, "hostPortRange")
      : DEFAULT_HOST_PORT_RANGE,
    resolvConf: checkAbsolutePath("resolvConf", options.resolvConf ?? "/etc/resolv.conf"),
    ...(options.isAlive ? { isAlive: options.isAlive as NetworkContext["isAlive"] } : {}),
  };
}
