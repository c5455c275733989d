/**
 * Default mounts and how caller mounts are merged into them.
 *
 * @module
 */
import { posix } from "node:path";
import { checkAbsolutePath, checkString, checkStringArray, invalid, isRecord } from "../base/validate.js";
import type { Mount } from "./spec.js";

/**
 * The mounts containerd puts in every Linux spec (`oci/mounts.go`): proc, a tmpfs
 * `/dev` with devpts, shm and mqueue under it, read-only sysfs and a tmpfs `/run`.
 * Returns fresh objects so callers may mutate them.
 */
export function defaultMounts(): Mount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
    },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
    {
      destination: "/run",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
  ];
}

/** `/dev/` and `/dev` name the same mount point; trailing slashes and `..` are folded. */
function mountKey(destination: string): string {
  const normal = posix.normalize(destination);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** Checks one caller mount and returns a deep copy (extra keys are kept, not dropped). */
export function checkMount(field: string, value: unknown): Mount {
  if (!isRecord(value)) throw invalid(field, value, "must be a mount object");
  checkAbsolutePath(`${field}.destination`, value.destination);
  if (value.type !== undefined) checkString(`${field}.type`, value.type);
  if (value.source !== undefined) checkString(`${field}.source`, value.source);
  if (value.options !== undefined) checkStringArray(`${field}.options`, value.options);
  return structuredClone(value) as unknown as Mount;
}

/**
 * Merges caller mounts into `base`. A mount whose destination matches one already in
 * `base` replaces it in place, so ordering holds (a new `/dev` still precedes
 * `/dev/pts`); the rest are appended in the given order. Two caller mounts at the same
 * destination are rejected as a likely mistake.
 */
export function mergeMounts(base: readonly Mount[], extra: unknown, field = "mounts"): Mount[] {
  if (!Array.isArray(extra)) throw invalid(field, extra, "must be an array of mounts");
  const result = [...base];
  const seen = new Set<string>();
  extra.forEach((item, i) => {
    const mount = checkMount(`${field}[${i}]`, item);
    const key = mountKey(mount.destination);
    if (seen.has(key)) {
      throw invalid(`${field}[${i}].destination`, mount.destination, "is mounted twice");
    }
    seen.add(key);
    const at = result.findIndex((m) => mountKey(m.destination) === key);
    if (at >= 0) result[at] = mount;
    else result.push(mount);
  });
  return result;
}
