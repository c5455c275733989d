import type { OperationOptions } from "../base/call-options.js";
import { InvalidArgumentError, NotFoundError } from "../errors/index.js";
import type { Descriptor as WireDescriptor } from "../gen/github.com/containerd/containerd/api/types/descriptor.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import { toWireDescriptor } from "./descriptor.js";
import { Image } from "./image.js";
import { getImage } from "./image-store.js";
import { parseJson } from "./manifest.js";

/** The CRIU image in a checkpoint index, as containerd's runtime names it. */
const CRIU_CHECKPOINT_MEDIA_TYPE = "application/vnd.containerd.container.criu.checkpoint.criu.tar";

/**
 * The descriptor Tasks.Create restores from: the CRIU tar listed in a checkpoint image's index (as
 * the Go client's `WithTaskCheckpoint`). `checkpoint` is an Image or an image name.
 * @internal Called by `container.newTask({ checkpoint })`.
 */
export async function checkpointDescriptor(
  ctx: ImagesContext,
  checkpoint: Image | string,
  options: OperationOptions,
): Promise<WireDescriptor> {
  if (typeof checkpoint !== "string" && !(checkpoint instanceof Image)) {
    throw new InvalidArgumentError("checkpoint: must be a checkpoint image or its name", {
      field: "checkpoint",
    });
  }
  const image = typeof checkpoint === "string" ? await getImage(ctx, checkpoint, options) : checkpoint;
  const body = await new Content(ctx).readAll(image.target.digest, options);
  const index = parseJson<{ manifests?: unknown }>(body, `checkpoint image "${image.name}"`);
  const manifests = Array.isArray(index.manifests) ? index.manifests : [];
  const criu = manifests.find(
    (m): m is Parameters<typeof toWireDescriptor>[0] =>
      typeof m === "object" &&
      m !== null &&
      (m as { mediaType?: unknown }).mediaType === CRIU_CHECKPOINT_MEDIA_TYPE,
  );
  if (!criu) throw new NotFoundError(`checkpoint: image "${image.name}" holds no CRIU checkpoint`);
  return toWireDescriptor(criu);
}
