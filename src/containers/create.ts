/**
 * `containers.create`: one Containers.Create with a record built from the options, or, with
 * `image`, a rootfs snapshot of the image prepared first under a lease. A network is attached
 * before the record exists (with an image, while the snapshot is prepared) and detached on failure.
 *
 * @module
 */
import { rawOptions } from "../base/call-options.js";
import { assertIdentifier } from "../base/identifiers.js";
import type { Mount } from "../gen/github.com/containerd/containerd/api/types/mount.js";
import { Leases } from "../images/leases.js";
import { Snapshotter } from "../images/snapshots.js";
import type { NetworkAttachment } from "../network/index.js";
import { resolveUserOption } from "../oci/user-option.js";
import { type ContainerInfo, toContainerInfo } from "../runtime/container-info.js";
import { toMounts } from "../runtime/rootfs-mounts.js";
import { checkCreateOptions } from "./check-create.js";
import { type CreateContainerOptions, DEFAULT_RUNTIME } from "./create-options.js";
import type { HandleContext } from "./handle-context.js";
import { prepareImageRootfs } from "./image-rootfs.js";
import { namespaceDefaults, resolveSnapshotter } from "./namespace-defaults.js";
import { attachNetwork, checkNetworkOption, detachNetwork, withNetwork } from "./network.js";
import { containerRecord, type ImageRecordFields } from "./record.js";

/** @internal What a new Container handle is made of: the stored record and the rootfs mounts. */
export interface CreatedContainer {
  info: ContainerInfo;
  /** Mounts given as `rootfs` (or an image's snapshot), held for the task. */
  mounts: Mount[] | undefined;
}

/** Starts the container's network attachment once and hands back the same promise after. */
type Attach = () => Promise<NetworkAttachment | undefined>;

/**
 * @internal Creates container `id` (the public entry: its options are checked here); with `image`,
 * its snapshot goes again if the record fails, and its network goes whatever fails.
 */
export async function createContainer(
  ctx: HandleContext,
  id: string,
  options: CreateContainerOptions | undefined,
): Promise<CreatedContainer> {
  assertIdentifier(id, "id");
  const checked = checkCreateOptions(options);
  checkNetworkOption(ctx, checked);
  let attaching: Promise<NetworkAttachment | undefined> | undefined;
  const attach: Attach = () => {
    attaching ??= attachNetwork(ctx, id, checked);
    return attaching;
  };
  // With an image, the network is made while its rootfs is prepared: neither needs the other.
  if (checked.image !== undefined) attach().catch(() => {});
  try {
    return checked.image === undefined
      ? await createRecord(ctx, id, checked, attach)
      : await createFromImage(ctx, id, checked, attach);
  } catch (err) {
    if (await attaching?.then(Boolean, () => false)) await detachNetwork(ctx, id).catch(() => {});
    throw err;
  }
}

async function createFromImage(
  ctx: HandleContext,
  id: string,
  options: CreateContainerOptions,
  attach: Attach,
): Promise<CreatedContainer> {
  // The namespace's `containerd.io/defaults/snapshotter` label applies when the caller names none.
  const snapshotter = await resolveSnapshotter(ctx, options.snapshotter, options);
  return new Leases(ctx).withLease(async () => {
    const prepared = await prepareImageRootfs(ctx, id, { ...options, snapshotter });
    const { image, snapshotKey } = prepared;
    try {
      const imageRecord = { image, snapshotter: prepared.snapshotter, snapshotKey };
      return await createRecord(ctx, id, { ...prepared.options, imageRecord }, attach);
    } catch (err) {
      await new Snapshotter(ctx, prepared.snapshotter).remove(id).catch(() => {});
      throw err;
    }
  });
}

async function createRecord(
  ctx: HandleContext,
  id: string,
  options: CreateContainerOptions & ImageRecordFields,
  attach: Attach,
): Promise<CreatedContainer> {
  const rootfsPath = typeof options.rootfs === "string" ? options.rootfs : undefined;
  const user = await resolveUserOption(options.user, rootfsPath);
  const record = containerRecord(ctx.namespace, id, options, user);
  if (options.runtime?.name === undefined && record.runtime) {
    record.runtime.name = (await namespaceDefaults(ctx, options)).runtime ?? DEFAULT_RUNTIME;
  }
  const mounts = Array.isArray(options.rootfs) ? toMounts(options.rootfs, "rootfs") : undefined;
  const { services, hub, namespace } = ctx;
  // Open the event stream now so it is live before the first task starts; no need to wait here.
  void hub.ready(namespace).catch(() => {});
  // Attached before the record exists, so its tasks start in the network (the namespace is pinned).
  const attachment = await attach();
  // "No task" is known only if the stream was live throughout; else containers.delete asks.
  const token = hub.presenceToken(namespace);
  if (attachment) withNetwork(record, attachment);
  const res = await services.containers.create({ container: record }, rawOptions(options, namespace));
  hub.setTaskPresence(namespace, id, "none", token);
  return { info: toContainerInfo(res.container ?? record), mounts };
}
