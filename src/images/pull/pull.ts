import createDebug from "debug";
import pLimit from "p-limit";
import { withDeadline } from "../../base/deadline.js";
import { checkStringRecord, invalid } from "../../base/validate.js";
import { Content } from "../content.js";
import type { ImagesContext } from "../context.js";
import type { Image } from "../image.js";
import { storeImage } from "../image-store.js";
import { distributionSourceLabel, Label } from "../labels.js";
import { Leases } from "../leases.js";
import { checkPlatform, hostPlatform } from "../platform.js";
import { type ImageReference, parseReference } from "../reference.js";
import { DEFAULT_SNAPSHOTTER } from "../snapshots.js";
import { unpack } from "../unpack.js";
import { fetchLayer } from "./fetch-blob.js";
import { type FetchedManifest, fetchManifests } from "./manifests.js";
import { RegistryClient } from "./registry.js";
import { resolve } from "./resolve.js";
import { pullByTransfer } from "./transfer-pull.js";
import type { PullJob, PullOptions } from "./types.js";
import { checkVia, pullsByTransfer } from "./via.js";

const debug = createDebug("containerd-sdk:images");

/**
 * @internal Implements `images.pull` within `timeout`, through the daemon's Transfer service or on
 * the client side (see `via`). On the client side, under one lease: resolve the reference, fetch the
 * index and manifest for the platform, fetch config and layers in parallel (unpacking each layer as
 * it lands), then create the image record.
 */
export async function pullImage(ctx: ImagesContext, reference: string, options: PullOptions): Promise<Image> {
  const ref = parseReference(reference);
  checkPullOptions(options);
  return withDeadline(`pull ${ref.name}`, options, async (signal) => {
    if (await pullsByTransfer(ctx, options)) return pullByTransfer(ctx, ref, options, signal);
    const job = newJob(ctx, ref, options, signal);
    try {
      return await new Leases(ctx).withLease(() => pullSteps(job, ref, options));
    } catch (err) {
      // An abort breaks the downloads in flight, and one may fail first with its own error: the
      // caller asked for the abort (or the timeout ran out), so that is what they get.
      signal?.throwIfAborted();
      throw err;
    }
  });
}

async function pullSteps(job: PullJob, ref: ImageReference, options: PullOptions): Promise<Image> {
  const target = await resolve(job.registry, ref.digest ?? ref.tag ?? "latest", job.signal);
  debug("%s resolved to %s (%s)", ref.name, target.digest, target.mediaType);
  const image = await fetchManifests(job, target, options.platform ?? hostPlatform());
  await fetchBlobsAndUnpack(job, image, options);
  return storeImage(job.ctx, ref.name, target, { labels: options.labels, signal: job.signal });
}

/** Writes the config and downloads the layers, `concurrency` at a time, unpacking while they land. */
async function fetchBlobsAndUnpack(
  job: PullJob,
  image: FetchedManifest,
  options: PullOptions,
): Promise<void> {
  const limit = pLimit(options.concurrency ?? 3);
  const { manifest, config, configBody } = image;
  const configWritten = limit(() =>
    job.content.write(configBody, {
      ref: `config-${manifest.config.digest}`,
      expected: manifest.config.digest,
      size: manifest.config.size,
      labels: job.source,
      signal: job.signal,
    }),
  );
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layersFetched = manifest.layers.map((layer, i) => {
    const labels = { ...job.source, ...(diffIds[i] ? { [Label.uncompressed]: diffIds[i] } : {}) };
    return limit(() => fetchLayer(job, layer, labels));
  });
  // Unpack layer i as soon as it is in and layer i-1 is applied, while later layers download.
  const unpacked =
    options.unpack === false
      ? undefined
      : unpack(job.ctx, image, options.snapshotter ?? DEFAULT_SNAPSHOTTER, {
          signal: job.signal,
          labelLayers: false,
          layerReady: (i) => layersFetched[i] as Promise<void>,
        });
  // Every branch settles (a failed fetch fails the unpack waiting on it); report the first error.
  const settled = await Promise.allSettled([configWritten, ...layersFetched, unpacked]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

function newJob(
  ctx: ImagesContext,
  ref: ImageReference,
  options: PullOptions,
  signal: AbortSignal | undefined,
): PullJob {
  const where = `pull ${ref.name}`;
  const { plainHttp, auth, onProgress } = options;
  return {
    ctx,
    content: new Content(ctx),
    registry: new RegistryClient(ref.domain, ref.path, { plainHttp, auth, where }),
    where,
    signal,
    source: { [distributionSourceLabel(ref.domain)]: ref.path },
    report: (progress) => onProgress?.(progress),
  };
}

/** The options a pull reads only later, checked before any request. */
function checkPullOptions(options: PullOptions): void {
  const { concurrency, onProgress, snapshotter, platform, labels } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw invalid("concurrency", concurrency, "must be a positive integer");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw invalid("onProgress", onProgress, "must be a function");
  }
  if (snapshotter !== undefined && (typeof snapshotter !== "string" || snapshotter === "")) {
    throw invalid("snapshotter", snapshotter, "must be a non-empty name");
  }
  if (platform !== undefined) checkPlatform(platform);
  if (labels !== undefined) checkStringRecord("labels", labels);
  checkVia(options);
  options.signal?.throwIfAborted();
}
