import type { Mount } from "../gen/github.com/containerd/containerd/api/types/mount.js";
import type { ImagesContext } from "../images/context.js";
import type { ContainerInfo } from "../runtime/container-info.js";

/**
 * The rootfs mounts of a container whose record names a snapshot (one Snapshots.Mounts RPC), for a
 * handle that was loaded rather than created and so holds none.
 * @internal
 */
export async function snapshotMounts(
  ctx: ImagesContext,
  info: ContainerInfo,
  signal?: AbortSignal,
): Promise<Mount[]> {
  const res = await ctx.services.snapshots.mounts(
    { snapshotter: info.snapshotter, key: info.snapshotKey },
    { namespace: ctx.namespace, signal },
  );
  return res.mounts;
}
