import { InvalidArgumentError } from "../errors/index.js";
import type { Mount } from "../gen/github.com/containerd/containerd/api/types/mount.js";

/**
 * A mount that makes up a task's root filesystem (what a snapshotter hands out): the shim mounts
 * them, in order, at the bundle's `rootfs` when the task is created, and unmounts them at delete.
 */
export interface RootfsMount {
  /** `bind`, `overlay`, … */
  type: string;
  source: string;
  /** Mount options, e.g. `["rbind", "ro"]` or overlay's `lowerdir=…`. */
  options?: string[];
}

/** @internal Checks rootfs mounts and turns them into the wire form. */
export function toMounts(mounts: unknown, field: string): Mount[] {
  if (!Array.isArray(mounts) || mounts.length === 0) {
    throw new InvalidArgumentError(`${field}: must be a non-empty array of mounts`, { field });
  }
  return mounts.map((m: Partial<RootfsMount> | null, i) => {
    const at = `${field}[${i}]`;
    if (typeof m?.type !== "string" || m.type === "" || typeof m.source !== "string" || m.source === "") {
      throw new InvalidArgumentError(`${at}: needs a type and a source`, { field });
    }
    const options = m.options ?? [];
    if (!Array.isArray(options) || options.some((o) => typeof o !== "string")) {
      throw new InvalidArgumentError(`${at}.options: must be an array of strings`, { field });
    }
    return { type: m.type, source: m.source, target: "", options: [...options] };
  });
}
