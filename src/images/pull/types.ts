import type { OperationOptions } from "../../base/call-options.js";
import type { Content } from "../content.js";
import type { ImagesContext } from "../context.js";
import type { Platform } from "../descriptor.js";
import type { RegistryAuth } from "./auth.js";
import type { RegistryClient } from "./registry.js";

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
  /**
   * Who fetches the image. `"client"`: this process downloads each blob and writes it through the
   * content service (one lease, resumable with Range requests). `"transfer"`: the daemon's Transfer
   * service (containerd 1.7+) fetches and unpacks it, and the client only relays progress and
   * credentials. `"auto"` (default): Transfer on containerd 2.0+, as its `ctr` does, unless the pull
   * sets `concurrency`, a bearer `auth.token`, or an unpack into another snapshotter or platform
   * (containerd unpacks only what its `unpack_config` lists; with `"transfer"` the daemon then only
   * fetches and the SDK unpacks, so the pull still resolves unpacked).
   */
  via?: "auto" | "client" | "transfer";
  /** Blobs fetched at once, on the client-side path. Default 3. */
  concurrency?: number;
  /** Called as bytes arrive, per blob. */
  onProgress?: (progress: PullProgress) => void;
  /** Labels for the image record. */
  labels?: Record<string, string>;
  /**
   * Milliseconds for the whole pull (resolving, downloading, unpacking, creating the image); past it
   * the pull fails with DeadlineExceededError and its lease is deleted. What was downloaded stays
   * in the ingests only while an enclosing `withLease` holds them.
   */
  timeout?: number;
}

/** What the steps of one pull share. @internal */
export interface PullJob {
  readonly ctx: ImagesContext;
  readonly content: Content;
  readonly registry: RegistryClient;
  /** `pull <name>`: the start of every error message. */
  readonly where: string;
  /** The caller's signal, aborted too when `timeout` runs out. */
  readonly signal: AbortSignal | undefined;
  /** The distribution-source label every blob gets, as containerd sets it. */
  readonly source: Record<string, string>;
  readonly report: (progress: PullProgress) => void;
}
