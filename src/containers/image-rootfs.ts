import type { OperationOptions } from "../base/call-options.js";
import { InvalidArgumentError, isNotFound, NotFoundError } from "../errors/index.js";
import { chainIds } from "../images/chain-id.js";
import type { ImagesContext } from "../images/context.js";
import type { Image } from "../images/image.js";
import { getImage } from "../images/image-store.js";
import { resolveImageUser } from "../images/image-user.js";
import { parseReference } from "../images/reference.js";
import { DEFAULT_SNAPSHOTTER, Snapshotter } from "../images/snapshots.js";
import { mergeEnv, normalizeEnv } from "../oci/index.js";
import type { RootfsMount } from "../runtime/rootfs-mounts.js";
import { commandArgs } from "./command.js";
import type { CreateContainerOptions } from "./create-options.js";

/** @internal What `containers.create` needs from an image. */
export interface ImageRootfs {
  /** The create options with the image's config filled in under the caller's. */
  options: CreateContainerOptions;
  image: string;
  snapshotter: string;
  snapshotKey: string;
  mounts: RootfsMount[];
}

/** @internal Finds an image by its exact name, else by its normalised reference. */
export async function findImage(
  ctx: ImagesContext,
  name: string,
  options?: OperationOptions,
): Promise<Image> {
  try {
    return await getImage(ctx, name, options);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    let normalized: string | undefined;
    try {
      normalized = parseReference(name).name;
    } catch {
      // Not a reference: only the exact name could match.
    }
    if (normalized && normalized !== name) {
      try {
        return await getImage(ctx, normalized, options);
      } catch (inner) {
        if (!isNotFound(inner)) throw inner;
      }
    }
    throw new NotFoundError(
      `image: "${name}" is not in namespace "${ctx.namespace}"; pull or import it first`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Prepares container `id`'s rootfs snapshot on the image's top layer (unpacking the image first if
 * needed) and fills args, env, cwd and user from the image config where the caller gave none.
 * Call inside a lease: the snapshot is protected only once the container record names it.
 * @internal
 */
export async function prepareImageRootfs(
  ctx: ImagesContext,
  id: string,
  options: CreateContainerOptions & { snapshotter?: string },
): Promise<ImageRootfs> {
  if (typeof options.image !== "string" || options.image === "") {
    throw new InvalidArgumentError("image: must be a non-empty image name", { field: "image" });
  }
  if (options.rootfs !== undefined) {
    throw new InvalidArgumentError("rootfs: cannot be given together with image", { field: "rootfs" });
  }
  // Only the call options: the container's labels are not the snapshot's, nor its args the image's.
  const call = { signal: options.signal, timeout: options.timeout };
  const image = await findImage(ctx, options.image, call);
  const snapshotterName = options.snapshotter ?? DEFAULT_SNAPSHOTTER;
  const { config } = await image.manifest(call);
  const runtime = config.config ?? {};
  const parent = chainIds(config.rootfs?.diff_ids ?? []).at(-1) ?? "";
  const snapshots = new Snapshotter(ctx, snapshotterName);
  let mounts: RootfsMount[];
  try {
    mounts = await snapshots.prepare(id, parent, call);
  } catch (err) {
    if (!isNotFound(err) || parent === "") throw err;
    await image.unpack({ ...call, snapshotter: snapshotterName });
    mounts = await snapshots.prepare(id, parent, call);
  }
  try {
    const filled: CreateContainerOptions = {
      ...options,
      image: undefined,
      rootfs: mounts,
      entrypoint: undefined,
      args: commandArgs(options, { name: image.name, config: runtime }),
      cwd: options.cwd ?? (runtime.WorkingDir || "/"),
    };
    const imageEnv = runtime.Env ?? [];
    if (imageEnv.length > 0) {
      filled.env = mergeEnv(imageEnv, options.env === undefined ? [] : normalizeEnv(options.env, "env"));
    }
    if (options.user === undefined && runtime.User) {
      if (/^\d+(:\d+)?$/.test(runtime.User)) filled.user = runtime.User;
      else {
        const { uid, gid } = await resolveImageUser(mounts, runtime.User);
        filled.user = `${uid}:${gid}`;
      }
    }
    return { options: filled, image: image.name, snapshotter: snapshotterName, snapshotKey: id, mounts };
  } catch (err) {
    await snapshots.remove(id).catch(() => {});
    throw err;
  }
}
