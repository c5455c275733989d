import createDebug from "debug";
import pLimit from "p-limit";
import { withDeadline } from "../../base/deadline.js";
import { invalid } from "../../base/validate.js";
import { Content } from "../content.js";
import type { ImagesContext } from "../context.js";
import type { Descriptor } from "../descriptor.js";
import { assertImageName, getImage } from "../image-store.js";
import { resolveManifest } from "../manifest.js";
import { checkPlatform } from "../platform.js";
import { RegistryClient } from "../pull/registry.js";
import { type ImageReference, parseReference } from "../reference.js";
import { planPush } from "./plan.js";
import { putManifest } from "./put-manifest.js";
import type { PushBlob, PushJob, PushOptions, PushProgress } from "./types.js";
import { pushBlob } from "./upload-blob.js";

const debug = createDebug("containerd-sdk:images");

/**
 * @internal Implements `images.push`, within `timeout`: read image `name`'s target (or its manifest
 * for `platform`), walk its content graph, upload the layers and configs the registry lacks,
 * `concurrency` at a time, then put the manifests children first, the root last at the reference's
 * tag (or digest). Resolves with the root's descriptor once the registry holds the image.
 */
export async function pushImage(
  ctx: ImagesContext,
  name: string,
  reference: string,
  options: PushOptions,
): Promise<Descriptor> {
  assertImageName(name);
  const ref = parseReference(reference);
  checkPushOptions(options);
  const where = `push ${ref.name}`;
  return withDeadline(where, options, async (signal) => {
    try {
      return await pushSteps(ctx, name, ref, options, signal);
    } catch (err) {
      // An abort breaks the uploads in flight, and one may fail first with its own error: the
      // caller asked for the abort (or the timeout ran out), so that is what they get.
      signal?.throwIfAborted();
      throw err;
    }
  });
}

async function pushSteps(
  ctx: ImagesContext,
  name: string,
  ref: ImageReference,
  options: PushOptions,
  signal: AbortSignal | undefined,
): Promise<Descriptor> {
  const where = `push ${ref.name}`;
  const image = await getImage(ctx, name, { signal });
  const root = options.platform
    ? (await resolveManifest(ctx, image.target, options.platform, { signal }, where)).descriptor
    : image.target;
  if (ref.digest !== undefined && ref.digest !== root.digest) {
    throw invalid("reference", ref.name, `names digest ${ref.digest}, but ${name} is ${root.digest}`);
  }
  const content = new Content(ctx);
  const plan = await planPush(content, root, where, signal);
  const { plainHttp, auth, onProgress } = options;
  const registry = new RegistryClient(ref.domain, ref.path, { plainHttp, auth, where, push: true });
  const report = (progress: PushProgress) => onProgress?.(progress);
  const job: PushJob = { content, registry, domain: ref.domain, path: ref.path, where, signal, report };
  await pushBlobs(job, plan.blobs, options.concurrency ?? 3);
  for (const manifest of plan.manifests) {
    const isRoot = manifest.desc.digest === root.digest;
    await putManifest(job, manifest, isRoot ? (ref.tag ?? root.digest) : manifest.desc.digest);
  }
  debug("pushed %s as %s (%d blobs, %d manifests)", name, ref.name, plan.blobs.length, plan.manifests.length);
  return { mediaType: root.mediaType, digest: root.digest, size: root.size };
}

/**
 * Uploads the layers and configs, `concurrency` at a time. The first failure stops the others (they
 * see an aborted signal), and every upload has settled before it is thrown.
 */
async function pushBlobs(job: PushJob, blobs: PushBlob[], concurrency: number): Promise<void> {
  const failed = new AbortController();
  const signal = job.signal ? AbortSignal.any([job.signal, failed.signal]) : failed.signal;
  const limit = pLimit(concurrency);
  let first: { error: unknown } | undefined;
  await Promise.all(
    blobs.map((blob) =>
      limit(async () => {
        if (signal.aborted) return;
        await pushBlob({ ...job, signal }, blob).catch((error: unknown) => {
          first ??= { error };
          failed.abort();
        });
      }),
    ),
  );
  if (first) throw first.error;
  job.signal?.throwIfAborted();
}

/** The options a push reads only later, checked before any request. */
function checkPushOptions(options: PushOptions): void {
  const { concurrency, onProgress, platform } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw invalid("concurrency", concurrency, "must be a positive integer");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw invalid("onProgress", onProgress, "must be a function");
  }
  if (platform !== undefined) checkPlatform(platform);
  options.signal?.throwIfAborted();
}
