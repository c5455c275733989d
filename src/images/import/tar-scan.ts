import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import createDebug from "debug";
import type * as tar from "tar-stream";
import { InvalidArgumentError, isContainerdError } from "../../errors/index.js";
import { BlobWriter } from "../blob-writer.js";
import { ContentWriter } from "../content-writer.js";
import type { ImagesContext } from "../context.js";
import { MAX_METADATA_BYTES } from "../manifest.js";

const debug = createDebug("containerd-sdk:images");

/** An entry of tar-stream's extract (its module does not export the type). */
type TarEntry = tar.Extract extends AsyncIterable<infer E> ? E : never;

/** Files kept in memory: the layout's metadata, never blobs. */
const META = new Set(["oci-layout", "index.json", "manifest.json", "repositories"]);

/** A regular file of the tar, now a blob in the content store. */
export interface TarBlob {
  digest: string;
  size: number;
  /** Starts with gzip's magic bytes. */
  gzip: boolean;
}

/** What reading a tar leaves: its blobs by path, its links, its metadata files. @internal */
export interface TarScan {
  blobs: Map<string, TarBlob>;
  /** Link path → the path it points at. */
  links: Map<string, string>;
  meta: Map<string, Buffer>;
}

/**
 * Streams every regular file of the tar into the content store; keeps metadata files in memory.
 * @internal
 */
export async function scanTar(
  ctx: ImagesContext,
  source: string | Readable,
  where: string,
  signal: AbortSignal | undefined,
): Promise<TarScan> {
  const scan: TarScan = { blobs: new Map(), links: new Map(), meta: new Map() };
  // Loaded on first use, so a script that never imports an image does not pay for it. `default` is
  // tar-stream's module.exports, both in Node's import of CommonJS and in the bundle.
  const extract = (await import("tar-stream")).default.extract();
  // Opened only now that pipeline() is next: a file stream that fails to open before anything
  // listens would throw its error out of the process instead of rejecting here.
  const input = typeof source === "string" ? createReadStream(source) : source;
  let current = "";
  const feeding = pipeline(input, extract, { signal }).catch((err: unknown) => {
    extract.destroy(err as Error);
  });
  try {
    for await (const entry of extract) {
      current = clean(entry.header.name);
      await scanEntry(ctx, scan, current, entry, where, signal);
    }
    await feeding;
  } catch (err) {
    if (isContainerdError(err) || (err as Error).name === "AbortError") throw err;
    const at = current ? ` at entry "${current}"` : "";
    throw new InvalidArgumentError(`${where}: not a readable tar (${(err as Error).message})${at}`, {
      field: "source",
      cause: err,
    });
  }
  debug("import scanned %d blobs from %s", scan.blobs.size, where);
  return scan;
}

/** Records one entry: a link, a metadata file, or a blob streamed into the content store. */
async function scanEntry(
  ctx: ImagesContext,
  scan: TarScan,
  path: string,
  entry: TarEntry,
  where: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { type, size = 0, linkname } = entry.header;
  if (type === "symlink" || type === "link") {
    scan.links.set(
      path,
      clean(type === "link" ? (linkname ?? "") : posix.join(posix.dirname(path), linkname ?? "")),
    );
    entry.resume();
  } else if (type !== "file" && type !== "contiguous-file") {
    entry.resume();
  } else if (META.has(path)) {
    scan.meta.set(path, await readMeta(entry as AsyncIterable<Buffer>, `${where}: ${path}`));
  } else {
    scan.blobs.set(path, await ingest(ctx, entry as AsyncIterable<Buffer>, path, size, signal));
  }
}

async function readMeta(entry: AsyncIterable<Buffer>, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += chunk.length;
    if (size > MAX_METADATA_BYTES)
      throw new InvalidArgumentError(`${what} is over ${MAX_METADATA_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Streams one tar entry into the content store (resuming an interrupted import of the same path). */
async function ingest(
  ctx: ImagesContext,
  entry: AsyncIterable<Buffer>,
  path: string,
  size: number,
  signal: AbortSignal | undefined,
): Promise<TarBlob> {
  const raw = { signal, namespace: ctx.namespace };
  const writer = await ContentWriter.open(ctx, `tar-${path}`, { total: size }, raw);
  try {
    const hash = createHash("sha256");
    let head: Buffer | undefined;
    const onChunk = (chunk: Buffer) => {
      head ??= chunk.subarray(0, 2);
      hash.update(chunk);
    };
    const read = await new BlobWriter(writer, { onChunk }).copy(entry);
    if (read !== size) throw new InvalidArgumentError(`entry "${path}": ${read} of ${size} bytes`);
    const digest = `sha256:${hash.digest("hex")}`;
    await writer.commit(size, digest);
    return { digest, size, gzip: head?.[0] === 0x1f && head[1] === 0x8b };
  } finally {
    await writer.close();
  }
}

/** A tar path as the scan keys it: normalised, no leading `./` or `/`, no trailing `/`. */
function clean(path: string): string {
  return posix
    .normalize(path)
    .replace(/^(\.\/|\/)+/, "")
    .replace(/\/$/, "");
}

/** @internal The blob at `path` (following links); InvalidArgumentError when the tar lacks it. */
export function resolveBlob(scan: TarScan, path: unknown, where: string): TarBlob {
  if (typeof path !== "string") {
    throw new InvalidArgumentError(`${where}: a blob path must be a string`, { field: "source" });
  }
  let p = clean(path);
  for (let i = 0; i < 16 && scan.links.has(p); i++) p = scan.links.get(p) as string;
  const blob = scan.blobs.get(p);
  if (!blob) {
    throw new InvalidArgumentError(`${where}: "${path}" is named but not in the tar`, { field: "source" });
  }
  return blob;
}
