import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import createDebug from "debug";
import type { OperationOptions } from "../base/call-options.js";
import { InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { Content } from "./content.js";
import { ContentWriter } from "./content-writer.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor, Platform } from "./descriptor.js";
import type { Image } from "./image.js";
import { storeImage } from "./image-store.js";
import { Label } from "./labels.js";
import { Leases } from "./leases.js";
import { checkManifestBody, childLabels, type IndexJson, type ManifestJson, parseJson } from "./manifest.js";
import { isIndexType, isManifestType, MediaType } from "./media-types.js";
import { hostPlatform, platformRank } from "./platform.js";
import { parseReference } from "./reference.js";

const debug = createDebug("containerd-sdk:images");
const CHUNK = 1 << 20;
/** Files kept in memory: the layout's metadata, never blobs. */
const META = new Set(["oci-layout", "index.json", "manifest.json", "repositories"]);
const META_LIMIT = 4 << 20;

/** What `images.import` takes. */
export interface ImportOptions extends OperationOptions {
  /** Platform whose manifests are kept; default the host's. */
  platform?: Platform;
  /** Keep every platform's manifests. */
  allPlatforms?: boolean;
  /** Name for images whose tar names them only by a bare tag: `<baseName>:<tag>`. Default `import-YYYY-MM-DD`. */
  baseName?: string;
}

interface Blob {
  digest: string;
  size: number;
  gzip: boolean;
}

interface Scan {
  blobs: Map<string, Blob>;
  links: Map<string, string>;
  meta: Map<string, Buffer>;
}

/** @internal Implements `images.import`. */
export async function importImages(
  ctx: ImagesContext,
  source: string | Readable,
  options: ImportOptions,
): Promise<Image[]> {
  const where = typeof source === "string" ? source : "import stream";
  if (typeof source !== "string" && !(source instanceof Readable)) {
    throw new InvalidArgumentError("source: a tar file path or a Readable is required", { field: "source" });
  }
  if (typeof source === "string" && (source === "" || source.includes("\0"))) {
    throw new InvalidArgumentError("source: a tar file path must be non-empty and free of NUL bytes", {
      field: "source",
    });
  }
  return new Leases(ctx).withLease(async () => {
    const scan = await scanTar(ctx, source, where, options);
    const content = new Content(ctx);
    const records = scan.meta.has("oci-layout")
      ? await fromOciLayout(ctx, content, scan, where, options)
      : scan.meta.has("manifest.json")
        ? await fromDockerArchive(ctx, content, scan, where, options)
        : undefined;
    if (!records) {
      throw new InvalidArgumentError(`${where}: unrecognized image format (no oci-layout or manifest.json)`, {
        field: "source",
      });
    }
    const out: Image[] = [];
    for (const { name, target } of records) out.push(await storeImage(ctx, name, target, options));
    return out;
  });
}

/** Streams every regular file of the tar into the content store; keeps metadata files in memory. */
async function scanTar(
  ctx: ImagesContext,
  source: string | Readable,
  where: string,
  options: OperationOptions,
): Promise<Scan> {
  const scan: Scan = { blobs: new Map(), links: new Map(), meta: new Map() };
  // Loaded on first use, so a script that never imports an image does not pay for it. `default` is
  // tar-stream's module.exports, both in Node's import of CommonJS and in the bundle.
  const extract = (await import("tar-stream")).default.extract();
  // Opened only now that pipeline() is next: a file stream that fails to open before anything
  // listens would throw its error out of the process instead of rejecting here.
  const input = typeof source === "string" ? createReadStream(source) : source;
  let current = "";
  const feeding = pipeline(input, extract, { signal: options.signal }).catch((err: unknown) => {
    extract.destroy(err as Error);
  });
  try {
    for await (const entry of extract) {
      const path = clean(entry.header.name);
      current = path;
      const type = entry.header.type;
      if (type === "symlink" || type === "link") {
        const linkname = entry.header.linkname ?? "";
        scan.links.set(
          path,
          type === "link" ? clean(linkname) : clean(posix.join(posix.dirname(path), linkname)),
        );
        entry.resume();
      } else if (type !== "file" && type !== "contiguous-file") {
        entry.resume();
      } else if (META.has(path)) {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > META_LIMIT)
            throw new InvalidArgumentError(`${where}: ${path} is over ${META_LIMIT} bytes`);
          chunks.push(chunk);
        }
        scan.meta.set(path, Buffer.concat(chunks));
      } else {
        scan.blobs.set(
          path,
          await ingest(ctx, entry as AsyncIterable<Buffer>, path, entry.header.size ?? 0, options),
        );
      }
    }
    await feeding;
  } catch (err) {
    if (err instanceof InvalidArgumentError || (err as Error).name === "AbortError") throw err;
    const message = (err as Error).message;
    throw new InvalidArgumentError(
      `${where}: not a readable tar (${message})${current ? ` at entry "${current}"` : ""}`,
      { field: "source", cause: err },
    );
  }
  debug("import scanned %d blobs from %s", scan.blobs.size, where);
  return scan;
}

async function ingest(
  ctx: ImagesContext,
  entry: AsyncIterable<Buffer>,
  path: string,
  size: number,
  options: OperationOptions,
): Promise<Blob> {
  const writer = await ContentWriter.open(
    ctx,
    `tar-${path}`,
    { total: size },
    { signal: options.signal, namespace: ctx.namespace },
  );
  try {
    const hash = createHash("sha256");
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = 0;
    let head: Buffer | undefined;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      // An earlier, interrupted import of the same path may have left bytes: skip those.
      const start = Math.max(0, writer.offset - (position - data.length));
      if (start < data.length) await writer.write(start ? data.subarray(start) : data);
    };
    for await (const chunk of entry) {
      head ??= chunk.subarray(0, 2);
      hash.update(chunk);
      position += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK) await flush();
    }
    await flush();
    if (position !== size) throw new InvalidArgumentError(`entry "${path}": ${position} of ${size} bytes`);
    const digest = `sha256:${hash.digest("hex")}`;
    await writer.commit(size, digest);
    return { digest, size, gzip: head !== undefined && head[0] === 0x1f && head[1] === 0x8b };
  } finally {
    await writer.close();
  }
}

function clean(path: string): string {
  return posix
    .normalize(path)
    .replace(/^(\.\/|\/)+/, "")
    .replace(/\/$/, "");
}

function resolveBlob(scan: Scan, path: string, where: string): Blob {
  let p = clean(path);
  for (let i = 0; i < 16 && scan.links.has(p); i++) p = scan.links.get(p) as string;
  const blob = scan.blobs.get(p);
  if (!blob)
    throw new InvalidArgumentError(`${where}: "${path}" is named but not in the tar`, { field: "source" });
  return blob;
}

interface ImageRecord {
  name: string;
  target: Descriptor;
}

async function fromOciLayout(
  ctx: ImagesContext,
  content: Content,
  scan: Scan,
  where: string,
  options: ImportOptions,
): Promise<ImageRecord[]> {
  const layout = parseJson<{ imageLayoutVersion?: string }>(
    scan.meta.get("oci-layout") as Buffer,
    `${where}: oci-layout`,
  );
  if (layout.imageLayoutVersion !== "1.0.0") {
    throw new InvalidArgumentError(`${where}: unsupported OCI layout version "${layout.imageLayoutVersion}"`);
  }
  const indexData = scan.meta.get("index.json");
  if (!indexData) throw new InvalidArgumentError(`${where}: missing index.json in OCI layout 1.0.0`);
  const index = parseJson<IndexJson>(indexData, `${where}: index.json`);
  const platform = options.platform ?? hostPlatform();
  const byDigest = new Map<string, Blob>();
  for (const blob of scan.blobs.values()) byDigest.set(blob.digest, blob);
  const has = (d: Descriptor) => byDigest.has(d.digest);
  const out: ImageRecord[] = [];
  for (const entry of index.manifests ?? []) {
    if (!has(entry)) throw new NotFoundError(`${where}: index.json names ${entry.digest}, not in the tar`);
    if (!options.allPlatforms && entry.platform && platformRank(platform, entry.platform) === undefined)
      continue;
    await labelChildren(ctx, content, entry, has, platform, options, where);
    const name = imageName(entry, options);
    if (name)
      out.push({ name, target: { mediaType: entry.mediaType, digest: entry.digest, size: entry.size } });
  }
  if (
    out.length === 0 &&
    (index.manifests ?? []).length > 0 &&
    !(index.manifests ?? []).some((e) => imageName(e, options))
  ) {
    debug("%s: no entry of index.json carries a name; no image created", where);
  }
  return out;
}

/** Sets GC reference labels on an index or manifest (and an index's manifests) so the image keeps them. */
async function labelChildren(
  ctx: ImagesContext,
  content: Content,
  desc: Descriptor,
  has: (d: Descriptor) => boolean,
  platform: Platform,
  options: ImportOptions,
  where: string,
): Promise<void> {
  const body = parseJson<ManifestJson & IndexJson>(
    await content.readAll(desc.digest, options),
    `${where}: ${desc.digest}`,
  );
  checkManifestBody(body as unknown as Record<string, unknown>, desc.mediaType, `${where}: ${desc.digest}`);
  if (isIndexType(desc.mediaType)) {
    await content.setLabels(desc.digest, childLabels(body as IndexJson), options);
    let matched = false;
    for (const child of body.manifests ?? []) {
      if (!has(child)) continue;
      if (!options.allPlatforms && child.platform && platformRank(platform, child.platform) === undefined)
        continue;
      matched = true;
      await labelChildren(ctx, content, child, has, platform, options, where);
    }
    if (!matched)
      throw new NotFoundError(`${where}: no manifest for the requested platform in ${desc.digest}`);
  } else if (isManifestType(desc.mediaType)) {
    for (const d of [body.config, ...(body.layers ?? [])]) {
      if (!has(d))
        throw new NotFoundError(`${where}: manifest ${desc.digest} names ${d.digest}, not in the tar`);
    }
    await content.setLabels(desc.digest, childLabels(body as ManifestJson), options);
  } else {
    throw new InvalidArgumentError(`${where}: unsupported media type "${desc.mediaType}" in index.json`);
  }
}

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

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function fromDockerArchive(
  ctx: ImagesContext,
  content: Content,
  scan: Scan,
  where: string,
  options: ImportOptions,
): Promise<ImageRecord[]> {
  const entries = parseJson<DockerManifestEntry[]>(
    scan.meta.get("manifest.json") as Buffer,
    `${where}: manifest.json`,
  );
  if (!Array.isArray(entries)) throw new InvalidArgumentError(`${where}: manifest.json is not a list`);
  const out: ImageRecord[] = [];
  for (const entry of entries) {
    const config = resolveBlob(scan, entry.Config, where);
    const layers = (entry.Layers ?? []).map((path) => {
      const blob = resolveBlob(scan, path, where);
      return {
        mediaType: blob.gzip ? MediaType.dockerLayerGzip : MediaType.dockerLayer,
        digest: blob.digest,
        size: blob.size,
      };
    });
    const manifest: ManifestJson = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, digest: config.digest, size: config.size },
      layers,
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    await content.write(body, {
      ref: `manifest-${digest}`,
      expected: digest,
      size: body.length,
      labels: childLabels(manifest),
      signal: options.signal,
    });
    const target: Descriptor = { mediaType: MediaType.dockerManifest, digest, size: body.length };
    for (const tag of entry.RepoTags ?? []) {
      out.push({ name: parseReference(tag).name, target });
    }
  }
  void ctx;
  return out;
}
