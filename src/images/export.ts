import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type * as tar from "tar-stream";
import type { OperationOptions } from "../base/call-options.js";
import { isNotFound } from "../errors/index.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor, Platform } from "./descriptor.js";
import type { Image } from "./image.js";
import { Label } from "./labels.js";
import { type IndexJson, type ManifestJson, parseJson } from "./manifest.js";
import { isIndexType, isManifestType } from "./media-types.js";
import { hostPlatform, platformRank } from "./platform.js";
import { familiarName, parseReference } from "./reference.js";

/** What `images.export` takes. */
export interface ExportOptions extends OperationOptions {
  /** For index targets, the platform whose manifests go into the tar; default the host's. */
  platform?: Platform;
  /** Export every platform's manifest that is in the content store. */
  allPlatforms?: boolean;
}

const EPOCH = new Date(0);

/** @internal Implements `images.export`: an OCI layout tar with a Docker manifest.json. */
export async function exportImages(
  ctx: ImagesContext,
  images: Image[],
  destination: Writable,
  options: ExportOptions,
): Promise<void> {
  const content = new Content(ctx);
  const platform = options.platform ?? hostPlatform();
  const blobs = new Map<string, Descriptor>();
  const dockerEntries = new Map<string, { Config: string; RepoTags: string[]; Layers: string[] }>();
  const indexEntries: Descriptor[] = [];

  const walk = async (desc: Descriptor, names: string[]): Promise<void> => {
    blobs.set(desc.digest, desc);
    if (isIndexType(desc.mediaType)) {
      const index = parseJson<IndexJson>(await content.readAll(desc.digest, options), desc.digest);
      for (const child of index.manifests ?? []) {
        if (!options.allPlatforms && child.platform && platformRank(platform, child.platform) === undefined)
          continue;
        try {
          await walk(child, names);
        } catch (err) {
          if (!isNotFound(err)) throw err; // a platform never pulled is simply absent
        }
      }
    } else if (isManifestType(desc.mediaType)) {
      const manifest = parseJson<ManifestJson>(await content.readAll(desc.digest, options), desc.digest);
      for (const d of [manifest.config, ...manifest.layers]) blobs.set(d.digest, d);
      const entry = dockerEntries.get(desc.digest) ?? {
        Config: blobPath(manifest.config.digest),
        RepoTags: [],
        Layers: manifest.layers.map((l) => blobPath(l.digest)),
      };
      for (const n of names) if (!entry.RepoTags.includes(n)) entry.RepoTags.push(n);
      dockerEntries.set(desc.digest, entry);
    }
  };

  for (const image of images) {
    let tagOnly = image.name;
    let familiar: string[] = [];
    try {
      const ref = parseReference(image.name);
      tagOnly = ref.tag ?? image.name;
      if (ref.tag) familiar = [familiarName(ref.name)];
    } catch {
      // Not a reference: keep the name as is.
    }
    await walk(image.target, familiar);
    indexEntries.push({
      mediaType: image.target.mediaType,
      digest: image.target.digest,
      size: image.target.size,
      annotations: { [Label.imageName]: image.name, [Label.ociRefName]: tagOnly },
    });
  }

  // Loaded on first use (see import.ts).
  const pack = (await import("tar-stream")).default.pack();
  const writing = pipeline(pack, destination, { signal: options.signal });
  try {
    const dir = (name: string) => addEntry(pack, { name, type: "directory", mode: 0o755, mtime: EPOCH });
    await dir("blobs/");
    await dir("blobs/sha256/");
    for (const digest of [...blobs.keys()].sort()) {
      const desc = blobs.get(digest) as Descriptor;
      const info = await content.info(digest, options);
      const entry = pack.entry({
        name: blobPath(digest),
        size: info.size,
        mode: 0o444,
        mtime: EPOCH,
      } as tar.Header);
      await pipeline(content.read(digest, options), entry);
      void desc;
    }
    const json = (name: string, value: unknown, mode: number) =>
      addEntry(pack, { name, mode, mtime: EPOCH }, Buffer.from(JSON.stringify(value)));
    await json("index.json", { schemaVersion: 2, manifests: indexEntries }, 0o644);
    await json("manifest.json", [...dockerEntries.values()], 0o644);
    await json("oci-layout", { imageLayoutVersion: "1.0.0" }, 0o444);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await writing.catch(() => {});
    throw err;
  }
  await writing;
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice("sha256:".length)}`;
}

function addEntry(
  pack: tar.Pack,
  header: Partial<tar.Header> & { name: string },
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body === undefined) pack.entry(header as tar.Header, done);
    else pack.entry(header as tar.Header, body, done);
  });
}
