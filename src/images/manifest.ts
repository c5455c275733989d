import type { OperationOptions } from "../base/call-options.js";
import { isRecord } from "../base/validate.js";
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor, Platform } from "./descriptor.js";
import { isIndexType, isManifestType } from "./media-types.js";
import { formatPlatform, selectManifest } from "./platform.js";

/** An image's runtime configuration (the OCI image config's `config` object). */
export interface ImageRuntimeConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
}

/** The OCI image configuration blob. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: unknown[];
}

/** An OCI or Docker image manifest. */
export interface ManifestJson {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** An OCI index or Docker manifest list. */
export interface IndexJson {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The platform-specific part of an image. */
export interface ResolvedManifest {
  descriptor: Descriptor;
  manifest: ManifestJson;
  config: ImageConfig;
}

/** @internal Parses a blob as JSON, naming it on failure. */
export function parseJson<T>(data: Buffer | string, what: string): T {
  try {
    return JSON.parse(data.toString()) as T;
  } catch (err) {
    throw new InvalidArgumentError(`${what}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/** @internal Manifests, indexes, configs and a tar's metadata files are read whole, up to 4 MiB. */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/** A digest as the OCI image spec writes it: `algorithm:encoded`, nothing a URL or path could misread. */
const ANY_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * @internal Checks that a manifest or index body has the shape its media type says
 * (images/image.go:validateMediaType), so that hostile JSON fails here with a typed error.
 */
export function checkManifestBody(body: unknown, mediaType: string, where: string): void {
  if (!isRecord(body)) throw new InvalidArgumentError(`${where}: not a JSON object`);
  if ("fsLayers" in body) throw new InvalidArgumentError(`${where}: schema 1 manifests are not supported`);
  if (isManifestType(mediaType) && "manifests" in body) {
    throw new InvalidArgumentError(`${where}: media type ${mediaType} but the body is an index`);
  }
  if (isIndexType(mediaType) && ("layers" in body || "config" in body)) {
    throw new InvalidArgumentError(`${where}: media type ${mediaType} but the body is a manifest`);
  }
  if (body.manifests !== undefined) checkDescriptors(body.manifests, `${where}: manifests`);
  if (isManifestType(mediaType)) {
    checkDescriptor(body.config, `${where}: config`);
    checkDescriptors(body.layers, `${where}: layers`);
  }
}

function checkDescriptors(value: unknown, where: string): void {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${where}: not a list of descriptors`);
  for (const [i, d] of value.entries()) checkDescriptor(d, `${where}[${i}]`);
}

function checkDescriptor(d: unknown, where: string): void {
  if (
    !isRecord(d) ||
    typeof d.mediaType !== "string" ||
    typeof d.digest !== "string" ||
    !ANY_DIGEST.test(d.digest) ||
    !Number.isSafeInteger(d.size) ||
    (d.size as number) < 0
  ) {
    throw new InvalidArgumentError(`${where}: not a descriptor (mediaType, digest and size)`);
  }
}

/** @internal Parses an image config, checking the fields the SDK reads. */
export function parseConfig(data: Buffer, where: string): ImageConfig {
  const config = parseJson<ImageConfig>(data, where);
  const diffIds = isRecord(config) ? ((config.rootfs as { diff_ids?: unknown } | null)?.diff_ids ?? []) : [];
  if (!isRecord(config) || !Array.isArray(diffIds) || diffIds.some((d) => typeof d !== "string")) {
    throw new InvalidArgumentError(`${where}: not an image config (rootfs.diff_ids must list digests)`);
  }
  return config;
}

/**
 * Picks the manifest for `platform` from an image's target (an index or a manifest) and reads it and
 * its config from the content store. NotFoundError when no entry matches the platform.
 * @internal
 */
export async function resolveManifest(
  ctx: ImagesContext,
  target: Descriptor,
  platform: Platform,
  options?: OperationOptions,
  where = target.digest,
): Promise<ResolvedManifest> {
  const content = new Content(ctx);
  let descriptor = target;
  for (let depth = 0; isIndexType(descriptor.mediaType); depth++) {
    if (depth > 4) throw new FailedPreconditionError(`${where}: indexes nested too deep`);
    const index = await readChecked<IndexJson>(content, descriptor, "index", options);
    descriptor = chooseManifest(index, platform, where);
  }
  if (!isManifestType(descriptor.mediaType)) {
    throw new InvalidArgumentError(`${where}: unsupported manifest media type "${descriptor.mediaType}"`);
  }
  const manifest = await readChecked<ManifestJson>(content, descriptor, "manifest", options);
  const config = parseConfig(
    await content.readAll(manifest.config.digest, options),
    `config ${manifest.config.digest}`,
  );
  checkConfigOs(config, platform, where);
  return { descriptor, manifest, config };
}

/** @internal NotFoundError when the config is for another OS than `platform`'s. */
export function checkConfigOs(config: ImageConfig, platform: Platform, where: string): void {
  if (config.os && config.os !== platform.os) {
    throw new NotFoundError(
      `${where}: image is for ${config.os}/${config.architecture}, not ${formatPlatform(platform)}`,
    );
  }
}

/** @internal The content a manifest or index references, for GC labels. */
export function childLabels(body: ManifestJson | IndexJson): Record<string, string> {
  const labels: Record<string, string> = {};
  if ("manifests" in body && Array.isArray(body.manifests)) {
    body.manifests.forEach((m, i) => {
      labels[`containerd.io/gc.ref.content.m.${i}`] = m.digest;
    });
  } else if ("layers" in body) {
    labels["containerd.io/gc.ref.content.config"] = body.config.digest;
    body.layers.forEach((l, i) => {
      labels[`containerd.io/gc.ref.content.l.${i}`] = l.digest;
    });
  }
  return labels;
}

/** @internal The index entry for `platform`; NotFoundError listing the platforms the index has. */
export function chooseManifest(index: IndexJson, platform: Platform, where: string): Descriptor {
  const chosen = selectManifest(index.manifests ?? [], platform);
  if (chosen) return chosen;
  const have = (index.manifests ?? []).map((m) => (m.platform ? formatPlatform(m.platform) : "?")).join(", ");
  throw new NotFoundError(
    `${where}: no manifest for platform ${formatPlatform(platform)} (index has ${have})`,
  );
}

/** Reads an index or manifest blob from the content store and checks it fits its media type. */
async function readChecked<T>(
  content: Content,
  descriptor: Descriptor,
  kind: "index" | "manifest",
  options: OperationOptions | undefined,
): Promise<T> {
  const what = `${kind} ${descriptor.digest}`;
  const body = parseJson<T>(await content.readAll(descriptor.digest, options), what);
  checkManifestBody(body, descriptor.mediaType, what);
  return body;
}
