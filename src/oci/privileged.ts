/**
 * Privileged mode.
 *
 * @module
 */
import { ALL_CAPABILITIES } from "./capabilities.js";
import { allDevicesAllowed } from "./devices.js";
import type { Spec } from "./spec.js";

/**
 * A copy of `spec` made privileged, like containerd's `WithPrivileged` plus
 * `WithAllDevicesAllowed`: every capability in bounding/effective/permitted, no masked
 * or read-only paths, sysfs and cgroupfs mounts read-write, no seccomp, AppArmor or
 * SELinux label, and a device cgroup allowing everything. Host device nodes are not
 * copied in (that needs a scan of the host's /dev), so only the default nodes exist
 * in the container's `/dev` unless the caller mounts more.
 */
export function makePrivileged(spec: Spec): Spec {
  const out = structuredClone(spec);
  if (out.process) {
    out.process.capabilities = {
      ...out.process.capabilities,
      bounding: [...ALL_CAPABILITIES],
      effective: [...ALL_CAPABILITIES],
      permitted: [...ALL_CAPABILITIES],
    };
    delete out.process.apparmorProfile;
    delete out.process.selinuxLabel;
  }
  for (const mount of out.mounts ?? []) {
    if ((mount.type === "sysfs" || mount.type === "cgroup") && mount.options) {
      mount.options = mount.options.map((o) => (o === "ro" ? "rw" : o));
    }
  }
  out.linux ??= {};
  const linux = out.linux;
  delete linux.maskedPaths;
  delete linux.readonlyPaths;
  delete linux.seccomp;
  linux.resources = { ...linux.resources, devices: allDevicesAllowed() };
  return out;
}
