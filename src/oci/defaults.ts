/**
 * The default Linux spec, equal to containerd 1.6's `populateDefaultUnixSpec` plus
 * `WithDefaultPathEnv` and `WithDefaultUnixDevices` (what `ctr run` adds), so a bare
 * busybox rootfs runs a shell with a working PATH and `/dev/null`.
 *
 * @module
 */

import { checkString, invalid } from "../base/validate.js";
import { DEFAULT_CAPABILITIES } from "./capabilities.js";
import { defaultDeviceRules } from "./devices.js";
import { DEFAULT_PATH_ENV } from "./env.js";
import { defaultMounts } from "./mounts.js";
import { defaultRlimits } from "./rlimits.js";
import type { LinuxNamespace, Spec } from "./spec.js";

/** The runtime-spec version containerd 1.6 writes (`specs.Version` it vendors). */
export const OCI_VERSION = "1.0.2-dev";

/** Where the container's cgroup and identity come from. */
export interface SpecContext {
  /** containerd namespace; the cgroup path starts with it. */
  namespace: string;
  /** Container id; the last element of the cgroup path. */
  id: string;
}

/** /proc and /sys entries hidden from the container (bind-mounted over with /dev/null or an empty tmpfs). */
export const DEFAULT_MASKED_PATHS: readonly string[] = Object.freeze([
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/sys/firmware",
  "/proc/scsi",
]);

/** /proc entries remounted read-only. */
export const DEFAULT_READONLY_PATHS: readonly string[] = Object.freeze([
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
]);

/** New pid, ipc, uts, mount and network namespaces; the user and cgroup namespaces are shared. */
export function defaultNamespaces(): LinuxNamespace[] {
  return [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, { type: "network" }];
}

function checkSegment(field: string, value: unknown): string {
  const text = checkString(field, value);
  // Both end up as cgroup path elements, where "/" or ".." would escape the namespace's cgroup.
  if (text === "" || text === "." || text === ".." || text.includes("/")) {
    throw invalid(field, value, 'must be a non-empty name without "/"');
  }
  return text;
}

/**
 * A fresh default spec for container `ctx.id` in namespace `ctx.namespace`: root
 * `rootfs`, uid/gid 0 in `/`, the default PATH, containerd's 14 default capabilities,
 * RLIMIT_NOFILE 1024, the default mounts, masked and read-only paths, cgroup
 * `/<namespace>/<id>`, deny-all devices plus the standard char devices, and private
 * pid/ipc/uts/mount/network namespaces. No `args`: the caller or the image supplies them.
 */
export function defaultSpec(ctx: SpecContext): Spec {
  const namespace = checkSegment("namespace", ctx.namespace);
  const id = checkSegment("id", ctx.id);
  return {
    ociVersion: OCI_VERSION,
    process: {
      user: { uid: 0, gid: 0 },
      env: [DEFAULT_PATH_ENV],
      cwd: "/",
      capabilities: {
        bounding: [...DEFAULT_CAPABILITIES],
        effective: [...DEFAULT_CAPABILITIES],
        permitted: [...DEFAULT_CAPABILITIES],
      },
      rlimits: defaultRlimits(),
      noNewPrivileges: true,
    },
    root: { path: "rootfs" },
    mounts: defaultMounts(),
    linux: {
      resources: { devices: defaultDeviceRules() },
      cgroupsPath: `/${namespace}/${id}`,
      namespaces: defaultNamespaces(),
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    },
  };
}
