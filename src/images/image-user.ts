import { NotImplementedError } from "../errors/index.js";
import type { RootfsMount } from "../rootfs-mounts.js";

/**
 * Resolves an image config's `User` by name (`"app"`, `"app:staff"`) through the image's own
 * /etc/passwd and /etc/group on the snapshot's mounts. Numeric `uid[:gid]` never reaches here.
 * Not yet: throws NotImplementedError naming the user; pass a numeric `user` option instead.
 */
export async function resolveImageUser(
  _snapshotMounts: RootfsMount[],
  user: string,
): Promise<{ uid: number; gid: number; additionalGids?: number[] }> {
  throw new NotImplementedError(
    `user: the image runs as "${user}"; resolving user names from the image's /etc/passwd is not supported yet, pass a numeric user option`,
  );
}
