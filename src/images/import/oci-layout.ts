import createDebug from "debug";
import { InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import type { Content } from "../content.js";
import type { Descriptor, Platform } from "../descriptor.js";
import { Label } from "../labels.js";
import { checkManifestBody, childLabels, type IndexJson, type ManifestJson, parseJson } from "../manifest.js";
import { isIndexType, isManifestType } from "../media-types.js";
import { hostPlatform, keepsEntry } from "../platform.js";
import type { TarScan } from "./tar-scan.js";
import type { ImageRecord, ImportOptions } from "./types.js";

const debug = createDebug("containerd-sdk:images");

/** What walking an OCI layout needs besides the descriptor at hand. */
interface Walk {
  content: Content;
  /** Whether the tar holds the blob. */
  has: (d: Descriptor) => boolean;
  platform: Platform;
  options: ImportOptions;
  where: string;
}

/**
 * The images an OCI layout's index.json names, after labelling every index and manifest they
 * reach so the image records keep their content.
 * @internal
 */
export async function fromOciLayout(
  content: Content,
  scan: TarScan,
  where: string,
  options: ImportOptions,
): Promise<ImageRecord[]> {
  const index = readIndex(scan, where);
  const digests = new Set([...scan.blobs.values()].map((b) => b.digest));
  const walk: Walk = {
    content,
    has: (d) => digests.has(d.digest),
    platform: options.platform ?? hostPlatform(),
    options,
    where,
  };
  const out: ImageRecord[] = [];
  for (const entry of index.manifests ?? []) {
    if (!walk.has(entry))
      throw new NotFoundError(`${where}: index.json names ${entry.digest}, not in the tar`);
    if (!keepsEntry(entry, walk.platform, options.allPlatforms)) continue;
    await labelChildren(walk, entry);
    const name = imageName(entry, options);
    if (name)
      out.push({ name, target: { mediaType: entry.mediaType, digest: entry.digest, size: entry.size } });
  }
  if ((index.manifests ?? []).length > 0 && !index.manifests.some((e) => imageName(e, options))) {
    debug("%s: no entry of index.json carries a name; no image created", where);
  }
  return out;
}

/** The layout's index.json, once oci-layout says version 1.0.0. */
function readIndex(scan: TarScan, where: string): IndexJson {
  const layout = parseJson<{ imageLayoutVersion?: string } | null>(
    scan.meta.get("oci-layout") as Buffer,
    `${where}: oci-layout`,
  );
  if (layout?.imageLayoutVersion !== "1.0.0") {
    throw new InvalidArgumentError(
      `${where}: unsupported OCI layout version "${layout?.imageLayoutVersion}"`,
    );
  }
  const data = scan.meta.get("index.json");
  if (!data) throw new InvalidArgumentError(`${where}: missing index.json in OCI layout 1.0.0`);
  const index = parseJson<IndexJson>(data, `${where}: index.json`);
  checkManifestBody(index, "", `${where}: index.json`);
  return index;
}

/** Sets GC reference labels on an index or manifest (and an index's manifests) so the image keeps them. */
async function labelChildren(walk: Walk, desc: Descriptor): Promise<void> {
  const { content, has, where, options } = walk;
  const what = `${where}: ${desc.digest}`;
  const body = parseJson<ManifestJson & IndexJson>(await content.readAll(desc.digest, options), what);
  checkManifestBody(body, desc.mediaType, what);
  if (isIndexType(desc.mediaType)) {
    await content.setLabels(desc.digest, childLabels(body as IndexJson), options);
    const children = (body.manifests ?? []).filter(
      (child) => has(child) && keepsEntry(child, walk.platform, options.allPlatforms),
    );
    if (children.length === 0) {
      throw new NotFoundError(`${where}: no manifest for the requested platform in ${desc.digest}`);
    }
    for (const child of children) await labelChildren(walk, child);
  } else if (isManifestType(desc.mediaType)) {
    const missing = [body.config, ...body.layers].find((d) => !has(d));
    if (missing)
      throw new NotFoundError(`${where}: manifest ${desc.digest} names ${missing.digest}, not in the tar`);
    await content.setLabels(desc.digest, childLabels(body as ManifestJson), options);
  } else {
    throw new InvalidArgumentError(`${where}: unsupported media type "${desc.mediaType}" in index.json`);
  }
}

/** The image name an index.json entry carries, if any. */
function imageName(entry: Descriptor, options: ImportOptions): string | undefined {
  const full = entry.annotations?.[Label.imageName];
  if (full) return full;
  const ref = entry.annotations?.[Label.ociRefName];
  if (!ref) return undefined;
  // A full reference is kept as the tar names it (as ctr does); a bare tag gets a base name.
  if (/[/:@]/.test(ref)) return ref;
  const base = options.baseName ?? `import-${new Date().toISOString().slice(0, 10)}`;
  return `${base}:${ref}`;
}
