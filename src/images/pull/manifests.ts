import { DataLossError, InvalidArgumentError } from "../../errors/index.js";
import { type Descriptor, type Platform, sha256Digest } from "../descriptor.js";
import {
  checkConfigOs,
  checkManifestBody,
  childLabels,
  chooseManifest,
  type IndexJson,
  MAX_METADATA_BYTES,
  type ManifestJson,
  parseConfig,
  parseJson,
  type ResolvedManifest,
} from "../manifest.js";
import { isIndexType, isManifestType } from "../media-types.js";
import { readBody } from "./registry.js";
import type { PullJob } from "./types.js";

/** The platform's manifest and config, and the config's bytes (written with the layers). @internal */
export interface FetchedManifest extends ResolvedManifest {
  configBody: Buffer;
}

/**
 * Fetches the manifest for `platform` (through the index when `target` is one) and stores it, then
 * fetches its config and checks the config's OS. NotFoundError when the image lacks the platform.
 * @internal
 */
export async function fetchManifests(
  job: PullJob,
  target: Descriptor,
  platform: Platform,
): Promise<FetchedManifest> {
  let descriptor = target;
  if (isIndexType(target.mediaType)) {
    const index = await fetchManifest<IndexJson>(job, target, "index");
    descriptor = chooseManifest(index, platform, job.where);
  }
  if (!isManifestType(descriptor.mediaType)) {
    throw new InvalidArgumentError(`${job.where}: unsupported manifest media type "${descriptor.mediaType}"`);
  }
  const manifest = await fetchManifest<ManifestJson>(job, descriptor, "manifest");
  const configBody = await fetchSmall(job, `/blobs/${manifest.config.digest}`, manifest.config);
  const config = parseConfig(configBody, `${job.where}: config ${manifest.config.digest}`);
  checkConfigOs(config, platform, job.where);
  return { descriptor, manifest, config, configBody };
}

/** Fetches an index or manifest, checks it fits its media type, and writes it to the content store. */
async function fetchManifest<T extends IndexJson | ManifestJson>(
  job: PullJob,
  desc: Descriptor,
  kind: "index" | "manifest",
): Promise<T> {
  const body = await fetchSmall(job, `/manifests/${desc.digest}`, desc);
  const parsed = parseJson<T>(body, `${job.where}: ${kind} ${desc.digest}`);
  checkManifestBody(parsed, desc.mediaType, `${job.where}: ${desc.digest}`);
  await job.content.write(body, {
    ref: `${kind}-${desc.digest}`,
    expected: desc.digest,
    size: body.length,
    labels: { ...childLabels(parsed), ...job.source },
    signal: job.signal,
  });
  const { digest, mediaType } = desc;
  job.report({ digest, mediaType, kind, done: body.length, total: body.length, complete: true });
  return parsed;
}

/** GETs a manifest or config of at most 4 MiB, checking its size and digest. */
async function fetchSmall(job: PullJob, path: string, desc: Descriptor): Promise<Buffer> {
  if (desc.size > MAX_METADATA_BYTES) {
    throw new InvalidArgumentError(`${job.where}: ${desc.digest} is too large (${desc.size} bytes)`);
  }
  const { registry, signal } = job;
  const res = await registry.fetch(path, { headers: { Accept: `${desc.mediaType}, */*` }, signal });
  const what = `${job.where}: download of ${desc.digest} from ${registry.base}`;
  const body = await readBody(res, desc.size, what);
  const digest = sha256Digest(body);
  if (digest !== desc.digest || body.length !== desc.size) {
    throw new DataLossError(
      `${job.where}: ${registry.base}${path} has digest ${digest} (${body.length} bytes), expected ${desc.digest} (${desc.size} bytes)`,
    );
  }
  return body;
}
