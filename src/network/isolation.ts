/**
 * Isolation between the SDK's networks. The firewall plugin accepts forwarded traffic from any
 * container address, so two bridge networks reach each other (NETWORK.md); the SDK adds Docker's
 * two-stage scheme: traffic entering from one of its bridges and leaving by another is dropped.
 * The hook is in `CNI-ADMIN`, the chain the firewall plugin runs before its own accepts.
 *
 * @module
 */
import { NotImplementedError } from "../errors/index.js";
import { runChecked, runCommand } from "./command.js";

/** Stage 1 sends traffic leaving the bridge it came in by to stage 2, which drops it at an SDK bridge. */
export const ISOLATION_STAGE_1 = "CSDK-ISOLATION-1";
/** Stage 2: one DROP per SDK bridge, by output device. */
export const ISOLATION_STAGE_2 = "CSDK-ISOLATION-2";
/** The firewall plugin's chain for administrator rules, evaluated first in `CNI-FORWARD`. */
const ADMIN_CHAIN = "CNI-ADMIN";

/** The rules (as `iptables -S` prints them, without `-A`) that isolate `bridge`, per chain. */
export function isolationRules(bridge: string): [string, string][] {
  return [
    [ISOLATION_STAGE_1, `-i ${bridge} ! -o ${bridge} -j ${ISOLATION_STAGE_2}`],
    [ISOLATION_STAGE_2, `-o ${bridge} -j DROP`],
  ];
}

async function iptables(args: string[]): Promise<string> {
  try {
    return await runChecked("iptables", ["-w", "-t", "filter", ...args]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    throw new NotImplementedError(
      "containerd-sdk: iptables is not installed; install Debian's iptables package (apt-get install iptables)",
      { cause: err },
    );
  }
}

/**
 * Adds `bridge`'s isolation rules, making the chains and the hook from `CNI-ADMIN` when missing.
 * Run under the host-wide claims lock, so two processes never both add the hook.
 */
export async function isolateBridge(bridge: string): Promise<void> {
  const lines = new Set((await iptables(["-S"])).split("\n"));
  for (const chain of [ADMIN_CHAIN, ISOLATION_STAGE_1, ISOLATION_STAGE_2]) {
    if (!lines.has(`-N ${chain}`)) await iptables(["-N", chain]);
  }
  const hook: [string, string] = [ADMIN_CHAIN, `-j ${ISOLATION_STAGE_1}`];
  if (!lines.has(`-A ${hook[0]} ${hook[1]}`)) await iptables(["-I", ADMIN_CHAIN, "1", ...hook[1].split(" ")]);
  for (const [chain, rule] of isolationRules(bridge)) {
    if (!lines.has(`-A ${chain} ${rule}`)) await iptables(["-A", chain, ...rule.split(" ")]);
  }
}

/** Removes `bridge`'s isolation rules; the shared chains stay, as the plugins' own do. */
export async function unisolateBridge(bridge: string): Promise<void> {
  for (const [chain, rule] of isolationRules(bridge)) {
    // Absent already (a half-made network, a rule someone removed): nothing to do.
    await runCommand("iptables", ["-w", "-t", "filter", "-D", chain, ...rule.split(" ")]);
  }
}
