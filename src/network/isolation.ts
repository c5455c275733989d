/**
 * Isolation between the SDK's networks. Bridge networks reach each other through the host's
 * forwarding (NETWORK.md); the SDK adds Docker's two-stage scheme: traffic entering from one of its
 * bridges and leaving by another is dropped. Stage 1 is the first rule of `CSDK-FORWARD`, before
 * any of the SDK's accepts (rules.ts).
 *
 * @module
 */
import { runCommand } from "./command.js";
import { ensureShared, restoreChecked, savedRules } from "./iptables.js";
import { ISOLATION_STAGE_1, ISOLATION_STAGE_2 } from "./rules.js";

/** The rules (as `iptables -S` prints them, without `-A`) that isolate `bridge`, per chain. */
export function isolationRules(bridge: string): [string, string][] {
  return [
    [ISOLATION_STAGE_1, `-i ${bridge} ! -o ${bridge} -j ${ISOLATION_STAGE_2}`],
    [ISOLATION_STAGE_2, `-o ${bridge} -j DROP`],
  ];
}

/**
 * Adds `bridge`'s isolation rules, making the shared chains when missing. Run under the host-wide
 * claims lock, so two processes never both make them.
 */
export async function isolateBridge(bridge: string): Promise<void> {
  await ensureShared();
  const present = await savedRules();
  const missing = isolationRules(bridge).filter(
    ([chain, rule]) => !present.has(`filter -A ${chain} ${rule}`),
  );
  if (missing.length === 0) return;
  const body = missing.map(([chain, rule]) => `-A ${chain} ${rule}`).join("\n");
  await restoreChecked(`*filter\n${body}\nCOMMIT\n`, `isolation of ${bridge}`);
}

/** Removes `bridge`'s isolation rules; the shared chains stay, as the plugins' own do. */
export async function unisolateBridge(bridge: string): Promise<void> {
  for (const [chain, rule] of isolationRules(bridge)) {
    // Absent already (a half-made network, a rule someone removed): nothing to do.
    await runCommand("iptables", ["-w", "-t", "filter", "-D", chain, ...rule.split(" ")]);
  }
}
