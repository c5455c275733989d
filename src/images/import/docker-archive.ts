import { isRecord } from "../../base/validate.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { Content } from "../content.js";
import { type Descriptor, sha256Digest } from "../descriptor.js";
import { childLabels, type ManifestJson, parseJson } from "../manifest.js";
import { MediaType } from "../media-types.js";
import { parseReference } from "../reference.js";
import { resolveBlob, type TarScan } from "./tar-scan.js";
import type { ImageRecord } from "./types.js";

/** One entry of a `docker save` tar's manifest.json. */
interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers?: string[] | null;
}

/**
 * The images a `docker save` tar's manifest.json names: for each entry, a Docker manifest written
 * to the content store from its config and layers, under each of its RepoTags.
 * @internal
 */
export async function fromDockerArchive(
  content: Content,
  scan: TarScan,
  where: string,
  signal: AbortSignal | undefined,
): Promise<ImageRecord[]> {
  const entries = parseJson<unknown>(scan.meta.get("manifest.json") as Buffer, `${where}: manifest.json`);
  if (!Array.isArray(entries) || !entries.every(isEntry)) {
    throw new InvalidArgumentError(`${where}: manifest.json is not a list of {Config, RepoTags, Layers}`);
  }
  const out: ImageRecord[] = [];
  for (const entry of entries) {
    const manifest = manifestOf(scan, entry, where);
    const body = Buffer.from(JSON.stringify(manifest));
    const digest = sha256Digest(body);
    await content.write(body, {
      ref: `manifest-${digest}`,
      expected: digest,
      size: body.length,
      labels: childLabels(manifest),
      signal,
    });
    const target: Descriptor = { mediaType: MediaType.dockerManifest, digest, size: body.length };
    for (const tag of entry.RepoTags ?? []) out.push({ name: parseReference(tag).name, target });
  }
  return out;
}

/** The Docker manifest of an entry, its blobs found in the tar. */
function manifestOf(scan: TarScan, entry: DockerManifestEntry, where: string): ManifestJson {
  const config = resolveBlob(scan, entry.Config, where);
  const layers = (entry.Layers ?? []).map((path) => {
    const blob = resolveBlob(scan, path, where);
    const mediaType = blob.gzip ? MediaType.dockerLayerGzip : MediaType.dockerLayer;
    return { mediaType, digest: blob.digest, size: blob.size };
  });
  return {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: config.digest, size: config.size },
    layers,
  };
}

function isEntry(value: unknown): value is DockerManifestEntry {
  const strings = (v: unknown) => v == null || (Array.isArray(v) && v.every((s) => typeof s === "string"));
  return (
    isRecord(value) && typeof value.Config === "string" && strings(value.RepoTags) && strings(value.Layers)
  );
}
