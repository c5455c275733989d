import { randomBytes } from "node:crypto";
import createDebug from "debug";
import type { OperationOptions } from "../base/call-options.js";
import { DataLossError, FailedPreconditionError, isAlreadyExists } from "../errors/index.js";
import { chainIds } from "./chain-id.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import { applyLayer } from "./diff.js";
import { Label } from "./labels.js";
import { Leases } from "./leases.js";
import type { ResolvedManifest } from "./manifest.js";
import { Snapshotter } from "./snapshots.js";

const debug = createDebug("containerd-sdk:images");

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
  options: OperationOptions & {
    labelLayers?: boolean;
    /** Resolves once layer i's blob is in the content store (a pull unpacks while it downloads). */
    layerReady?: (i: number) => Promise<void>;
  } = {},
): Promise<string> {
  const { manifest, config } = resolved;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new FailedPreconditionError(
      `unpack ${resolved.descriptor.digest}: ${manifest.layers.length} layers but ${diffIds.length} diff IDs`,
    );
  }
  const chain = chainIds(diffIds);
  const snapshots = new Snapshotter(ctx, snapshotterName);
  const content = new Content(ctx);
  const top = chain.at(-1) ?? "";
  await new Leases(ctx).withLease(async () => {
    for (const [i, layer] of manifest.layers.entries()) {
      const chainId = chain[i] as string;
      const parent = i === 0 ? "" : (chain[i - 1] as string);
      const key = `extract-${process.hrtime.bigint()}-${randomBytes(3).toString("hex")} ${chainId}`;
      let mounts: Awaited<ReturnType<Snapshotter["prepare"]>>;
      try {
        // The snapshot.ref label makes Prepare fail ALREADY_EXISTS when the layer is there: no Stat needed.
        mounts = await snapshots.prepare(key, parent, {
          ...options,
          labels: { [Label.snapshotRef]: chainId },
        });
      } catch (err) {
        if (isAlreadyExists(err)) {
          debug("layer %d %s present", i, chainId);
          continue;
        }
        throw err;
      }
      try {
        await options.layerReady?.(i);
        const applied = await applyLayer(ctx, layer, mounts, options);
        if (applied.digest !== diffIds[i]) {
          throw new DataLossError(
            `unpack: layer ${layer.digest} unpacked to ${applied.digest}, but the config says ${diffIds[i]}`,
          );
        }
        await snapshots.commit(chainId, key, { ...options, labels: { [Label.snapshotRef]: chainId } });
      } catch (err) {
        await snapshots.remove(key).catch(() => {});
        if (isAlreadyExists(err)) continue; // another unpack committed it first
        throw err;
      }
      // A pull sets this label when it commits the blob; import and other sources need it here.
      if (options.labelLayers !== false) {
        await content.setLabels(layer.digest, { [Label.uncompressed]: diffIds[i] as string }, options);
      }
    }
    await content.setLabels(
      resolved.manifest.config.digest,
      { [`${Label.gcRefSnapshot}.${snapshotterName}`]: top },
      options,
    );
  });
  return top;
}
