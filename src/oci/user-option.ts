/**
 * The `user` option of containers.create and task.exec, resolved against the container's rootfs
 * before the pure spec builders see it.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { checkInteger } from "../base/validate.js";
import type { Process } from "./spec.js";
import { resolveUser } from "./user-lookup.js";

/** `user` turned into a numeric `"uid:gid"`, plus the groups to put in `additionalGids`. */
export interface UserOption {
  user: unknown;
  additionalGids?: number[];
}

/**
 * Resolves `user` through `/etc/passwd` and `/etc/group` of `rootfsPath` when that is a host path
 * the SDK can read. Without one (rootfs given as mounts, or a full spec override) `user` is
 * returned unchanged, and the spec builder accepts only numeric ids.
 */
export async function resolveUserOption(user: unknown, rootfsPath: string | undefined): Promise<UserOption> {
  if (user === undefined || rootfsPath === undefined || !isAbsolute(rootfsPath)) return { user };
  if (typeof user !== "number" && typeof user !== "string") return { user };
  const text = typeof user === "number" ? String(checkInteger("user", user, 0, 2 ** 31 - 1)) : user;
  const { uid, gid, additionalGids } = await resolveUser(rootfsPath, text);
  return { user: `${uid}:${gid}`, additionalGids };
}

/** Puts the resolved groups into a process spec built from the resolved user. */
export function applyAdditionalGids(process: Process | undefined, option: UserOption): void {
  if (process && option.additionalGids)
    process.user = { ...process.user, additionalGids: option.additionalGids };
}
