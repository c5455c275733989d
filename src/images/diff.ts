import { type OperationOptions, rawOptions } from "../base/call-options.js";
import { type RootfsMount, toMounts } from "../runtime/rootfs-mounts.js";
import type { ImagesContext } from "./context.js";
import { type Descriptor, fromWireDescriptor, toWireDescriptor } from "./descriptor.js";

/**
 * Applies a layer blob from the content store onto mounts (Diff.Apply, one RPC) and returns the
 * descriptor of what was applied: the uncompressed tar's digest (the layer's diff ID) and size.
 */
export async function applyLayer(
  ctx: ImagesContext,
  layer: Descriptor,
  mounts: RootfsMount[],
  options?: OperationOptions,
): Promise<Descriptor> {
  const res = await ctx.services.diff.apply(
    { diff: toWireDescriptor(layer), mounts: toMounts(mounts, "mounts"), payloads: {} },
    rawOptions(options, ctx.namespace),
  );
  return fromWireDescriptor(res.applied);
}
