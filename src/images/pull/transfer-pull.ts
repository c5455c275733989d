import createDebug from "debug";
import { NotImplementedError } from "../../errors/index.js";
import { ImageStore } from "../../gen/github.com/containerd/containerd/api/types/transfer/imagestore.js";
import { OCIRegistry } from "../../gen/github.com/containerd/containerd/api/types/transfer/registry.js";
import type { ImagesContext } from "../context.js";
import type { Image } from "../image.js";
import { getImage } from "../image-store.js";
import { Leases } from "../leases.js";
import { hostPlatform } from "../platform.js";
import type { ImageReference } from "../reference.js";
import { DEFAULT_SNAPSHOTTER } from "../snapshots.js";
import { daemonMajor } from "../transfer/daemon.js";
import { openTransferStream, type TransferStream } from "../transfer/stream.js";
import { isLoopbackHost } from "./registry.js";
import { answerCredentials } from "./transfer-credentials.js";
import { transferError } from "./transfer-error.js";
import { drain, relayProgress } from "./transfer-progress.js";
import type { PullOptions } from "./types.js";
import { daemonUnpacksIt } from "./via.js";

const debug = createDebug("containerd-sdk:images");

/**
 * @internal Implements `images.pull` through containerd's Transfer service: the daemon resolves,
 * fetches, unpacks and names the image; the client answers credential requests and relays progress.
 * Four RPCs (a lease around Transfer, then Images.Get for the record), plus one stream each for
 * progress and credentials when the caller gives `onProgress` or `auth`, and a client-side unpack
 * when the caller asks for one the daemon's unpack configuration skips.
 */
export async function pullByTransfer(
  ctx: ImagesContext,
  ref: ImageReference,
  options: PullOptions,
  signal: AbortSignal | undefined,
): Promise<Image> {
  const plain = options.plainHttp === true || isLoopbackHost(ref.domain);
  if (plain && (await daemonMajor(ctx.services, ctx.namespace)) < 2) {
    throw new NotImplementedError(
      `pull ${ref.name}: before containerd 2.0, Transfer fetches over HTTPS only (no default_scheme); use via "client"`,
    );
  }
  // An onProgress that throws fails the pull with its error, as it does on the client side.
  const failed = new AbortController();
  const inner = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  try {
    await transfer(ctx, ref, options, plain, inner, (err) => failed.abort(err));
  } catch (err) {
    signal?.throwIfAborted();
    failed.signal.throwIfAborted();
    throw transferError(err, `pull ${ref.name}`);
  }
  const image = await getImage(ctx, ref.name, { signal });
  if (options.unpack !== false && !daemonUnpacksIt(options)) {
    await image.unpack({ platform: options.platform, snapshotter: options.snapshotter, signal });
  }
  return image;
}

/** One Transfer call with the progress and credential streams it names, closed when it ends. */
async function transfer(
  ctx: ImagesContext,
  ref: ImageReference,
  options: PullOptions,
  plain: boolean,
  signal: AbortSignal,
  fail: (err: unknown) => void,
): Promise<void> {
  const streams: TransferStream[] = [];
  const open = async (prefix: string) => {
    const stream = await openTransferStream(ctx, prefix, signal);
    streams.push(stream);
    return stream;
  };
  try {
    const { onProgress, auth } = options;
    const progress = onProgress ? await open("progress") : undefined;
    const creds = auth?.username ? await open("creds") : undefined;
    const relayed = progress && onProgress ? relayProgress(progress, onProgress, fail) : undefined;
    if (creds && auth) void answerCredentials(creds, auth.username ?? "", auth.password ?? "");
    debug("pull %s through Transfer", ref.name);
    // Under the SDK's lease, not the daemon's: containerd deletes its own with the request's context,
    // which a cancelled pull has already cancelled, so it would outlive the pull.
    const request = transferRequest(ref, options, plain, progress, creds);
    await new Leases(ctx).withLease(() =>
      ctx.services.transfer.transfer(request, { signal, namespace: ctx.namespace }),
    );
    if (relayed) await drain(relayed);
  } finally {
    for (const stream of streams) stream.close();
  }
}

/** Fetch `ref` from its registry into the image store, naming the streams the daemon is to use. */
function transferRequest(
  ref: ImageReference,
  options: PullOptions,
  plain: boolean,
  progress: TransferStream | undefined,
  creds: TransferStream | undefined,
) {
  return {
    source: { typeUrl: "containerd.types.transfer.OCIRegistry", value: registrySource(ref, plain, creds) },
    destination: { typeUrl: "containerd.types.transfer.ImageStore", value: imageStore(ref, options) },
    options: { progressStream: progress?.id ?? "" },
  };
}

function registrySource(ref: ImageReference, plain: boolean, creds: TransferStream | undefined) {
  return OCIRegistry.encode({
    reference: ref.name,
    resolver: {
      authStream: creds?.id ?? "",
      headers: {},
      hostDir: "",
      defaultScheme: plain ? "http" : "",
      httpDebug: 0,
      logsStream: "",
    },
  }).finish();
}

function imageStore(ref: ImageReference, options: PullOptions) {
  const platform = options.platform ?? hostPlatform();
  const wire = { os: platform.os, architecture: platform.architecture, variant: platform.variant ?? "" };
  // An unpack its unpack_config does not list, containerd refuses: the SDK does that one itself.
  const unpack = options.unpack !== false && daemonUnpacksIt(options);
  return ImageStore.encode({
    name: ref.name,
    labels: options.labels ?? {},
    platforms: [wire],
    allMetadata: false,
    manifestLimit: 0,
    extraReferences: [],
    unpacks: unpack ? [{ platform: wire, snapshotter: DEFAULT_SNAPSHOTTER }] : [],
  }).finish();
}
