/**
 * Linux capability names and the add/drop rules applied to a process.
 *
 * @module
 */

import { checkStringArray, invalid } from "../base/validate.js";
import type { LinuxCapabilities } from "./spec.js";

/**
 * containerd's default set (`defaultUnixCaps`): what an unprivileged container gets in
 * its bounding, permitted and effective sets.
 */
export const DEFAULT_CAPABILITIES: readonly string[] = Object.freeze([
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
]);

/**
 * Every capability known to Linux 5.9+, in kernel number order (containerd `pkg/cap`).
 * Privileged containers get all of them; runc skips any the host kernel lacks.
 */
export const ALL_CAPABILITIES: readonly string[] = Object.freeze([
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
]);

/**
 * Canonical name of a capability: `"net_admin"`, `"NET_ADMIN"` and `"CAP_NET_ADMIN"`
 * all give `"CAP_NET_ADMIN"`; `"all"` gives `"ALL"`. Unknown names throw.
 */
export function normalizeCapability(name: string, field = "capability"): string {
  const upper = name.toUpperCase();
  if (upper === "ALL") return "ALL";
  const full = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) throw invalid(field, name, "is not a known capability");
  return full;
}

function normalizeList(field: string, value: unknown): string[] {
  return checkStringArray(field, value).map((name, i) => normalizeCapability(name, `${field}[${i}]`));
}

/**
 * Applies `drop` then `add` to the bounding, effective and permitted sets, like
 * Docker's `--cap-drop`/`--cap-add`: `drop: ["ALL"], add: ["NET_BIND_SERVICE"]`
 * leaves exactly that one. `"ALL"` in `add` grants every capability. Inheritable and
 * ambient sets are left alone. Returns a new object.
 */
export function applyCapabilityChanges(
  caps: LinuxCapabilities,
  add: unknown,
  drop: unknown,
  fields: { add: string; drop: string } = { add: "capAdd", drop: "capDrop" },
): LinuxCapabilities {
  const dropped = drop === undefined ? [] : normalizeList(fields.drop, drop);
  const added = add === undefined ? [] : normalizeList(fields.add, add);
  const change = (set: readonly string[] | undefined): string[] => {
    let result = dropped.includes("ALL") ? [] : (set ?? []).filter((c) => !dropped.includes(c));
    const grants = added.includes("ALL") ? ALL_CAPABILITIES : added;
    for (const cap of grants) if (!result.includes(cap)) result = [...result, cap];
    return result;
  };
  return {
    ...caps,
    bounding: change(caps.bounding),
    effective: change(caps.effective),
    permitted: change(caps.permitted),
  };
}
