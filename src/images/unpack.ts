import { randomBytes } from "node:crypto";
import createDebug from "debug";
import type { OperationOptions } from "../base/call-options.js";
import { withDeadline } from "../base/deadline.js";
import { DataLossError, FailedPreconditionError, isAlreadyExists } from "../errors/index.js";
import { chainIds } from "./chain-id.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor } from "./descriptor.js";
import { applyLayer } from "./diff.js";
import { Label } from "./labels.js";
import { Leases } from "./leases.js";
import type { ResolvedManifest } from "./manifest.js";
import { Snapshotter } from "./snapshots.js";

const debug = createDebug("containerd-sdk:images");

/** What {@link unpack} takes; `timeout` bounds the whole unpack. */
export interface UnpackLayersOptions extends OperationOptions {
  /** Set the uncompressed-digest label on each layer blob. Default true (a pull sets it on commit). */
  labelLayers?: boolean;
  /** Resolves once layer i's blob is in the content store (a pull unpacks while it downloads). */
  layerReady?: (i: number) => Promise<void>;
}

/** One layer to unpack: its blob, diff ID, and the chain IDs of it and its parent. */
interface LayerStep {
  index: number;
  layer: Descriptor;
  diffId: string;
  chainId: string;
  parent: string;
}

/**
 * Unpacks an image's layers into committed snapshots named by chain ID, skipping those present,
 * all under one lease; labels each layer blob with its diff ID and the config with the top
 * snapshot, so the image keeps its snapshots alive. Returns the top chain ID.
 * @internal
 */
export async function unpack(
  ctx: ImagesContext,
  resolved: ResolvedManifest,
  snapshotterName: string,
  options: UnpackLayersOptions = {},
): Promise<string> {
  const { manifest, config } = resolved;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new FailedPreconditionError(
      `unpack ${resolved.descriptor.digest}: ${manifest.layers.length} layers but ${diffIds.length} diff IDs`,
    );
  }
  const chain = chainIds(diffIds);
  const steps = manifest.layers.map((layer, index): LayerStep => {
    const parent = index === 0 ? "" : (chain[index - 1] as string);
    return { index, layer, diffId: diffIds[index] as string, chainId: chain[index] as string, parent };
  });
  const top = chain.at(-1) ?? "";
  const snapshots = new Snapshotter(ctx, snapshotterName);
  await withDeadline(`unpack of ${resolved.descriptor.digest}`, options, (signal) =>
    new Leases(ctx).withLease(async () => {
      const call = { ...options, signal, timeout: undefined };
      for (const step of steps) await unpackLayer(ctx, snapshots, step, call);
      const label = { [`${Label.gcRefSnapshot}.${snapshotterName}`]: top };
      await new Content(ctx).setLabels(manifest.config.digest, label, call);
    }),
  );
  return top;
}

/** Applies one layer onto a snapshot of its parent and commits it, unless its snapshot exists. */
async function unpackLayer(
  ctx: ImagesContext,
  snapshots: Snapshotter,
  { index, layer, diffId, chainId, parent }: LayerStep,
  options: UnpackLayersOptions,
): Promise<void> {
  const key = `extract-${process.hrtime.bigint()}-${randomBytes(3).toString("hex")} ${chainId}`;
  const labels = { [Label.snapshotRef]: chainId };
  let mounts: Awaited<ReturnType<Snapshotter["prepare"]>>;
  try {
    // The snapshot.ref label makes Prepare fail ALREADY_EXISTS when the layer is there: no Stat needed.
    mounts = await snapshots.prepare(key, parent, { ...options, labels });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    debug("layer %d %s present", index, chainId);
    return;
  }
  try {
    await options.layerReady?.(index);
    const applied = await applyLayer(ctx, layer, mounts, options);
    if (applied.digest !== diffId) {
      throw new DataLossError(
        `unpack: layer ${layer.digest} unpacked to ${applied.digest}, but the config says ${diffId}`,
      );
    }
    await snapshots.commit(chainId, key, { ...options, labels });
  } catch (err) {
    await snapshots.remove(key).catch(() => {});
    if (isAlreadyExists(err)) return; // another unpack committed it first
    throw err;
  }
  // A pull sets this label when it commits the blob; import and other sources need it here.
  if (options.labelLayers !== false) {
    await new Content(ctx).setLabels(layer.digest, { [Label.uncompressed]: diffId }, options);
  }
}
