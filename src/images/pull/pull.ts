import { createHash } from "node:crypto";
import createDebug from "debug";
import pLimit from "p-limit";
import type { OperationOptions } from "../../base/call-options.js";
import { invalid } from "../../base/validate.js";
import {
  DataLossError,
  InvalidArgumentError,
  isContainerdError,
  isFailedPrecondition,
  NotFoundError,
  UnavailableError,
} from "../../errors/index.js";
import { Content } from "../content.js";
import { ContentWriter } from "../content-writer.js";
import type { ImagesContext } from "../context.js";
import type { Descriptor, Platform } from "../descriptor.js";
import type { Image } from "../image.js";
import { storeImage } from "../image-store.js";
import { Label } from "../labels.js";
import { Leases } from "../leases.js";
import {
  checkManifestBody,
  childLabels,
  chooseManifest,
  type ImageConfig,
  type IndexJson,
  type ManifestJson,
  parseJson,
} from "../manifest.js";
import { isIndexType, isManifestType, MediaType } from "../media-types.js";
import { formatPlatform, hostPlatform } from "../platform.js";
import { parseReference } from "../reference.js";
import { DEFAULT_SNAPSHOTTER } from "../snapshots.js";
import { unpack } from "../unpack.js";
import type { RegistryAuth } from "./auth.js";
import { RegistryClient } from "./registry.js";

const debug = createDebug("containerd-sdk:images");
const CHUNK = 1 << 20;
const MAX_MANIFEST = 4 * 1048 * 1048;
const ACCEPT = [
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.ociIndex,
  "*/*",
].join(", ");

/** One progress report of a pull: bytes of one blob done so far. */
export interface PullProgress {
  digest: string;
  mediaType: string;
  kind: "index" | "manifest" | "config" | "layer";
  /** Bytes in the content store so far (including what an earlier, interrupted pull left). */
  done: number;
  total: number;
  /** True once the blob is committed (or was already there). */
  complete: boolean;
}

/** What `images.pull` takes. */
export interface PullOptions extends OperationOptions {
  /** Default: the host's platform. */
  platform?: Platform;
  /** Registry credentials, used only when the registry asks (Basic or Bearer challenge). */
  auth?: RegistryAuth;
  /** Use plain HTTP; loopback registries (localhost, 127.0.0.0/8, ::1) use it anyway. */
  plainHttp?: boolean;
  /** Unpack into snapshots after fetching. Default true. */
  unpack?: boolean;
  /** Snapshotter to unpack into. Default `overlayfs`. */
  snapshotter?: string;
  /** Blobs fetched at once. Default 3. */
  concurrency?: number;
  /** Called as bytes arrive, per blob. */
  onProgress?: (progress: PullProgress) => void;
  /** Labels for the image record. */
  labels?: Record<string, string>;
}

/** @internal Implements `images.pull`. */
export async function pullImage(ctx: ImagesContext, reference: string, options: PullOptions): Promise<Image> {
  const ref = parseReference(reference);
  const concurrency = options.concurrency ?? 3;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalid("concurrency", concurrency, "must be a positive integer");
  }
  options.signal?.throwIfAborted();
  const where = `pull ${ref.name}`;
  const registry = new RegistryClient(ref.domain, ref.path, {
    plainHttp: options.plainHttp,
    auth: options.auth,
    where,
  });
  const source = { [`containerd.io/distribution.source.${ref.domain.replace(/:\d+$/, "")}`]: ref.path };
  const content = new Content(ctx);
  const platform = options.platform ?? hostPlatform();
  const progress = options.onProgress;

  const pulled = new Leases(ctx).withLease(async () => {
    const target = await resolve(registry, ref.digest ?? ref.tag ?? "latest", options.signal);
    debug("%s resolved to %s (%s)", ref.name, target.digest, target.mediaType);
    let manifestDesc = target;
    const fetchManifest = async (
      desc: Descriptor,
      kind: "index" | "manifest",
    ): Promise<ManifestJson & IndexJson> => {
      const body = await fetchSmall(registry, `/manifests/${desc.digest}`, desc, options.signal, where);
      const parsed = parseJson<ManifestJson & IndexJson>(body, `${where}: ${kind} ${desc.digest}`);
      checkManifestBody(
        parsed as unknown as Record<string, unknown>,
        desc.mediaType,
        `${where}: ${desc.digest}`,
      );
      await content.write(body, {
        ref: `${kind}-${desc.digest}`,
        expected: desc.digest,
        size: body.length,
        labels: { ...childLabels(parsed), ...source },
        signal: options.signal,
      });
      progress?.({
        digest: desc.digest,
        mediaType: desc.mediaType,
        kind,
        done: body.length,
        total: body.length,
        complete: true,
      });
      return parsed;
    };
    if (isIndexType(target.mediaType)) {
      const index = await fetchManifest(target, "index");
      manifestDesc = chooseManifest(index, platform, where);
    }
    if (!isManifestType(manifestDesc.mediaType)) {
      throw new InvalidArgumentError(`${where}: unsupported manifest media type "${manifestDesc.mediaType}"`);
    }
    const manifest = await fetchManifest(manifestDesc, "manifest");
    const limit = pLimit(concurrency);
    const configBody = await fetchSmall(
      registry,
      `/blobs/${manifest.config.digest}`,
      manifest.config,
      options.signal,
      where,
    );
    const config = parseJson<ImageConfig>(configBody, `${where}: config ${manifest.config.digest}`);
    if (config.os && config.os !== platform.os) {
      throw new NotFoundError(
        `${where}: image is for ${config.os}/${config.architecture}, not ${formatPlatform(platform)}`,
      );
    }
    const diffIds = config.rootfs?.diff_ids ?? [];
    const configWritten = limit(() =>
      content.write(configBody, {
        ref: `config-${manifest.config.digest}`,
        expected: manifest.config.digest,
        size: manifest.config.size,
        labels: source,
        signal: options.signal,
      }),
    );
    const layersFetched = manifest.layers.map((layer, i) =>
      limit(() =>
        fetchBlob(ctx, registry, layer, {
          ...options,
          where,
          labels: { ...source, ...(diffIds[i] ? { [Label.uncompressed]: diffIds[i] } : {}) },
        }),
      ),
    );
    // Unpack layer i as soon as it is in and layer i-1 is applied, while later layers download.
    const unpacked =
      options.unpack === false
        ? Promise.resolve("")
        : unpack(
            ctx,
            { descriptor: manifestDesc, manifest, config },
            options.snapshotter ?? DEFAULT_SNAPSHOTTER,
            {
              signal: options.signal,
              labelLayers: false,
              layerReady: (i) => layersFetched[i] as Promise<void>,
            },
          );
    // Every branch settles (a failed fetch fails the unpack waiting on it); report the first error.
    const settled = await Promise.allSettled([configWritten, ...layersFetched, unpacked]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return storeImage(ctx, ref.name, target, { labels: options.labels, signal: options.signal });
  });
  try {
    return await pulled;
  } catch (err) {
    // An abort breaks the downloads in flight, and one may fail first with its own error: the
    // caller asked for the abort, so that is what they get.
    options.signal?.throwIfAborted();
    throw err;
  }
}

/** HEAD the manifest (GET when HEAD gives no digest) to learn its digest, type and size. */
async function resolve(
  registry: RegistryClient,
  tagOrDigest: string,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const headers = { Accept: ACCEPT };
  const head = await registry.fetch(`/manifests/${tagOrDigest}`, {
    method: "HEAD",
    headers,
    signal,
    okStatuses: [405],
  });
  let mediaType = (head.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  let digest = head.headers.get("docker-content-digest") ?? "";
  let size = Number(head.headers.get("content-length") ?? 0);
  if (tagOrDigest.startsWith("sha256:")) digest ||= tagOrDigest;
  if (head.status === 405 || !digest || !size) {
    const res = await registry.fetch(`/manifests/${tagOrDigest}`, { headers, signal });
    const body = Buffer.from(await res.arrayBuffer());
    mediaType = (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    size = body.length;
  }
  if (mediaType === MediaType.dockerSchema1Signed || mediaType === "text/plain") {
    throw new InvalidArgumentError(`manifest ${tagOrDigest}: schema 1 manifests are not supported`);
  }
  if (!size) throw new InvalidArgumentError(`manifest ${tagOrDigest}: registry reports a size of zero`);
  return { mediaType, digest, size };
}

/** GETs a small blob (manifest or config), checking size and digest. */
async function fetchSmall(
  registry: RegistryClient,
  path: string,
  desc: Descriptor,
  signal: AbortSignal | undefined,
  where: string,
): Promise<Buffer> {
  if (desc.size > MAX_MANIFEST)
    throw new InvalidArgumentError(`${where}: ${desc.digest} is too large (${desc.size} bytes)`);
  const res = await registry.fetch(path, { headers: { Accept: `${desc.mediaType}, */*` }, signal });
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw bodyError(err, `${where}: download of ${desc.digest} from ${registry.base} broke off`);
  }
  const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
  if (digest !== desc.digest || body.length !== desc.size) {
    throw new DataLossError(
      `${where}: ${registry.base}${path} has digest ${digest} (${body.length} bytes), expected ${desc.digest} (${desc.size} bytes)`,
    );
  }
  return body;
}

interface FetchBlobOptions extends PullOptions {
  where: string;
  labels: Record<string, string>;
}

/** Streams a layer into the content store, resuming an earlier ingest with a Range request. */
async function fetchBlob(
  ctx: ImagesContext,
  registry: RegistryClient,
  desc: Descriptor,
  options: FetchBlobOptions,
): Promise<void> {
  const ref = `layer-${desc.digest}`;
  const report = (done: number, complete: boolean) =>
    options.onProgress?.({
      digest: desc.digest,
      mediaType: desc.mediaType,
      kind: "layer",
      done,
      total: desc.size,
      complete,
    });
  const writer = await ContentWriter.open(
    ctx,
    ref,
    { total: desc.size, expected: desc.digest },
    { signal: options.signal, namespace: ctx.namespace },
  );
  if (writer.exists) {
    report(desc.size, true);
    return;
  }
  try {
    let start = writer.offset;
    if (start < desc.size) {
      const headers: Record<string, string> = { Accept: `${desc.mediaType}, */*` };
      if (start > 0) headers.Range = `bytes=${start}-`;
      const res = await registry.stream(`/blobs/${desc.digest}`, { headers, signal: options.signal });
      let skip = 0;
      if (start > 0 && res.statusCode !== 206) skip = start; // the registry ignored Range: drop what we have
      if (res.statusCode === 206 && !(res.headers["content-range"] ?? "").startsWith(`bytes ${start}-`)) {
        res.destroy();
        throw new DataLossError(
          `${options.where}: ${desc.digest}: unexpected Content-Range ${res.headers["content-range"]}`,
        );
      }
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        const data = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await writer.write(data);
        report(writer.offset, false);
      };
      report(start, false);
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          let piece = chunk;
          if (skip > 0) {
            const n = Math.min(skip, piece.length);
            skip -= n;
            piece = piece.subarray(n);
            if (piece.length === 0) continue;
          }
          pending.push(piece);
          pendingBytes += piece.length;
          start += piece.length;
          if (pendingBytes >= CHUNK) await flush();
        }
      } catch (err) {
        await flush().catch(() => {}); // keep what arrived: the next pull resumes from there
        throw bodyError(
          err,
          `${options.where}: download of ${desc.digest} from ${registry.base} broke off at byte ${start}`,
        );
      }
      await flush();
    }
    try {
      await writer.commit(desc.size, desc.digest, options.labels);
    } catch (err) {
      if (!isFailedPrecondition(err)) throw err;
      // Bad bytes must not be resumed from: drop the ingest.
      await new Content(ctx).abort(ref).catch(() => {});
      throw new DataLossError(
        `${options.where}: blob ${desc.digest} from ${registry.base}: content does not match its descriptor (${(err as Error).message})`,
        { cause: err },
      );
    }
    report(desc.size, true);
  } finally {
    await writer.close();
  }
}

/** A broken response body as UnavailableError (retrying may help); an abort stays an AbortError. */
function bodyError(err: unknown, message: string): unknown {
  if ((err as Error)?.name === "AbortError" || isContainerdError(err)) return err;
  return new UnavailableError(`${message}: ${(err as Error)?.message ?? err}`, { cause: err });
}
