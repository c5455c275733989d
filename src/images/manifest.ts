import type { OperationOptions } from "../base/call-options.js";
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor, Platform } from "./descriptor.js";
import { isIndexType, isManifestType, MediaType } from "./media-types.js";
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

/** @internal Checks that a manifest body fits its media type (images/image.go:validateMediaType). */
export function checkManifestBody(body: Record<string, unknown>, mediaType: string, where: string): void {
  if ("fsLayers" in body) throw new InvalidArgumentError(`${where}: schema 1 manifests are not supported`);
  if (isManifestType(mediaType) && "manifests" in body) {
    throw new InvalidArgumentError(`${where}: media type ${mediaType} but the body is an index`);
  }
  if (isIndexType(mediaType) && ("layers" in body || "config" in body)) {
    throw new InvalidArgumentError(`${where}: media type ${mediaType} but the body is a manifest`);
  }
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
  const config = parseJson<ImageConfig>(
    await content.readAll(manifest.config.digest, options),
    `config ${manifest.config.digest}`,
  );
  if (config.os && config.os !== platform.os) {
    throw new NotFoundError(
      `${where}: image is for ${config.os}/${config.architecture}, not ${formatPlatform(platform)}`,
    );
  }
  return { descriptor, manifest, config };
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

/** @internal */
export { MediaType };

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
  checkManifestBody(body as unknown as Record<string, unknown>, descriptor.mediaType, what);
  return body;
}
