import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type * as tar from "tar-stream";
import type { OperationOptions } from "../base/call-options.js";
import { withDeadline } from "../base/deadline.js";
import { isNotFound } from "../errors/index.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor, Platform } from "./descriptor.js";
import type { Image } from "./image.js";
import { getImage } from "./image-store.js";
import { Label } from "./labels.js";
import { type IndexJson, type ManifestJson, parseJson } from "./manifest.js";
import { isIndexType, isManifestType } from "./media-types.js";
import { checkPlatform, hostPlatform, keepsEntry } from "./platform.js";
import { familiarName, parseReference } from "./reference.js";

/** What `images.export` takes. */
export interface ExportOptions extends OperationOptions {
  /** For index targets, the platform whose manifests go into the tar; default the host's. */
  platform?: Platform;
  /** Export every platform's manifest that is in the content store. */
  allPlatforms?: boolean;
  /**
   * Milliseconds for the whole export (reading the records and every blob, writing the tar); past
   * it the export fails with DeadlineExceededError and `destination` is destroyed.
   */
  timeout?: number;
}

/** One entry of a Docker `manifest.json`. */
interface DockerEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

/** What goes into the tar: every blob, the Docker manifest.json entries and the OCI index entries. */
interface Layout {
  blobs: Map<string, Descriptor>;
  docker: Map<string, DockerEntry>;
  index: Descriptor[];
}

const EPOCH = new Date(0);

/** @internal Implements `images.export`: an OCI layout tar with a Docker manifest.json. */
export async function exportImages(
  ctx: ImagesContext,
  names: string[],
  destination: Writable,
  options: ExportOptions,
): Promise<void> {
  if (options.platform !== undefined) checkPlatform(options.platform);
  await withDeadline(`export of ${names.join(", ")}`, options, async (signal) => {
    const images = await Promise.all(names.map((name) => getImage(ctx, name, { signal })));
    const layout: Layout = { blobs: new Map(), docker: new Map(), index: [] };
    const walker = new Walker(new Content(ctx), layout, { ...options, signal, timeout: undefined });
    for (const image of images) await walker.addImage(image);
    await writeTar(new Content(ctx), layout, destination, signal);
  });
}

/** Walks images' targets into a {@link Layout}. */
class Walker {
  constructor(
    readonly content: Content,
    readonly layout: Layout,
    readonly options: ExportOptions,
  ) {}

  /** Adds an image: its index entry, its blobs, and its name on its manifests' Docker entries. */
  async addImage(image: Image): Promise<void> {
    let tagOnly = image.name;
    let familiar: string[] = [];
    try {
      const ref = parseReference(image.name);
      tagOnly = ref.tag ?? image.name;
      if (ref.tag) familiar = [familiarName(ref.name)];
    } catch {
      // Not a reference: keep the name as is.
    }
    await this.walk(image.target, familiar);
    const { mediaType, digest, size } = image.target;
    const annotations = { [Label.imageName]: image.name, [Label.ociRefName]: tagOnly };
    this.layout.index.push({ mediaType, digest, size, annotations });
  }

  async walk(desc: Descriptor, names: string[]): Promise<void> {
    this.layout.blobs.set(desc.digest, desc);
    if (isIndexType(desc.mediaType)) await this.walkIndex(desc, names);
    else if (isManifestType(desc.mediaType)) await this.walkManifest(desc, names);
  }

  async walkIndex(desc: Descriptor, names: string[]): Promise<void> {
    const { platform = hostPlatform(), allPlatforms } = this.options;
    const index = parseJson<IndexJson>(await this.content.readAll(desc.digest, this.options), desc.digest);
    for (const child of index.manifests ?? []) {
      if (!keepsEntry(child, platform, allPlatforms)) continue;
      try {
        await this.walk(child, names);
      } catch (err) {
        if (!isNotFound(err)) throw err; // a platform never pulled is simply absent
      }
    }
  }

  async walkManifest(desc: Descriptor, names: string[]): Promise<void> {
    const body = await this.content.readAll(desc.digest, this.options);
    const manifest = parseJson<ManifestJson>(body, desc.digest);
    for (const d of [manifest.config, ...manifest.layers]) this.layout.blobs.set(d.digest, d);
    const entry = this.layout.docker.get(desc.digest) ?? {
      Config: blobPath(manifest.config.digest),
      RepoTags: [],
      Layers: manifest.layers.map((l) => blobPath(l.digest)),
    };
    for (const n of names) if (!entry.RepoTags.includes(n)) entry.RepoTags.push(n);
    this.layout.docker.set(desc.digest, entry);
  }
}

/** Writes the layout as a tar into `destination`; on failure destroys it. */
async function writeTar(
  content: Content,
  layout: Layout,
  destination: Writable,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Loaded on first use (see import/tar-scan.ts).
  const pack = (await import("tar-stream")).default.pack();
  const writing = pipeline(pack, destination, { signal });
  try {
    await addEntries(pack, content, layout, signal);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await writing.catch(() => {});
    throw err;
  }
  await writing;
}

async function addEntries(
  pack: tar.Pack,
  content: Content,
  layout: Layout,
  signal: AbortSignal | undefined,
): Promise<void> {
  const dir = (name: string) => addEntry(pack, { name, type: "directory", mode: 0o755, mtime: EPOCH });
  await dir("blobs/");
  await dir("blobs/sha256/");
  for (const digest of [...layout.blobs.keys()].sort()) {
    const { size } = await content.info(digest, { signal });
    const entry = pack.entry({ name: blobPath(digest), size, mode: 0o444, mtime: EPOCH });
    await pipeline(content.read(digest, { signal }), entry);
  }
  const json = (name: string, value: unknown, mode: number) =>
    addEntry(pack, { name, mode, mtime: EPOCH }, Buffer.from(JSON.stringify(value)));
  await json("index.json", { schemaVersion: 2, manifests: layout.index }, 0o644);
  await json("manifest.json", [...layout.docker.values()], 0o644);
  await json("oci-layout", { imageLayoutVersion: "1.0.0" }, 0o444);
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
    if (body === undefined) pack.entry(header, done);
    else pack.entry(header, body, done);
  });
}
