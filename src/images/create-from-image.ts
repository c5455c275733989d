import type { Container } from "../container.js";
import type { CreateContainerOptions } from "../containers.js";
import type { HandleContext } from "../handle-context.js";
import { assertIdentifier } from "../identifiers.js";
import { resolveSnapshotter } from "../namespace-defaults.js";
import { prepareImageRootfs } from "./container-from-image.js";
import { Leases } from "./leases.js";
import { Snapshotter } from "./snapshots.js";

/** @internal Record fields a container made from an image carries. */
export interface ImageRecordFields {
  imageRecord?: { image: string; snapshotter: string; snapshotKey: string };
}

/**
 * `containers.create` with `image`: under one lease, prepares the rootfs snapshot and creates the
 * record that keeps it; if the record cannot be made, the snapshot goes too.
 * @internal
 */
export async function createFromImage(
  ctx: HandleContext,
  id: string,
  options: CreateContainerOptions,
  create: (options: CreateContainerOptions & ImageRecordFields) => Promise<Container>,
): Promise<Container> {
  assertIdentifier(id, "id");
  // The namespace's `containerd.io/defaults/snapshotter` label applies when the caller names none.
  const snapshotter = await resolveSnapshotter(ctx, options.snapshotter, options);
  return new Leases(ctx).withLease(async () => {
    const prepared = await prepareImageRootfs(ctx, id, { ...options, snapshotter });
    try {
      return await create({
        ...prepared.options,
        imageRecord: {
          image: prepared.image,
          snapshotter: prepared.snapshotter,
          snapshotKey: prepared.snapshotKey,
        },
      });
    } catch (err) {
      await new Snapshotter(ctx, prepared.snapshotter).remove(id).catch(() => {});
      throw err;
    }
  });
}
