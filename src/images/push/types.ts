import type { OperationOptions } from "../../base/call-options.js";
import type { Content } from "../content.js";
import type { Descriptor, Platform } from "../descriptor.js";
import type { RegistryAuth } from "../pull/auth.js";
import type { RegistryClient } from "../pull/registry.js";

/** What a blob is to the image: pushes go layers and configs first, then manifests, then the index. */
export type BlobKind = "index" | "manifest" | "config" | "layer";

/** One progress report of a push: bytes of one blob sent so far. */
export interface PushProgress {
  digest: string;
  mediaType: string;
  kind: BlobKind;
  /** Bytes sent so far (`total` at once when the registry already has the blob). */
  done: number;
  total: number;
  /** True once the registry has the blob. */
  complete: boolean;
  /** True when the registry had the blob already (or mounted it from another repository): nothing sent. */
  skipped: boolean;
}

/** What `images.push` takes. */
export interface PushOptions extends OperationOptions {
  /**
   * For an image whose target is an index: push only the manifest for this platform, and point the
   * reference at that manifest (as `ctr images push --platform`). Default: the whole index, every
   * manifest it lists; content missing from the store is a NotFoundError before anything is sent.
   */
  platform?: Platform;
  /** Registry credentials, used only when the registry asks (Basic, or Bearer with `pull,push` scope). */
  auth?: RegistryAuth;
  /** Use plain HTTP; loopback registries (localhost, 127.0.0.0/8, ::1) use it anyway. */
  plainHttp?: boolean;
  /** Layers and configs uploaded at once. Default 3. */
  concurrency?: number;
  /** Called as bytes go out, per blob. */
  onProgress?: (progress: PushProgress) => void;
  /**
   * Milliseconds for the whole push (reading the image, checking and uploading every blob, putting
   * the manifests); past it the push fails with DeadlineExceededError.
   */
  timeout?: number;
}

/** A blob to push, with its place in the image. @internal */
export interface PushBlob {
  readonly desc: Descriptor;
  readonly kind: BlobKind;
  /** Its labels in the content store (`containerd.io/distribution.source.*` names where it came from). */
  readonly labels?: Record<string, string>;
}

/** A manifest or index to put, with its bytes from the content store. @internal */
export interface PushManifest extends PushBlob {
  readonly body: Buffer;
}

/** What the steps of one push share. @internal */
export interface PushJob {
  readonly content: Content;
  readonly registry: RegistryClient;
  /** The destination's registry host (with port) and repository path. */
  readonly domain: string;
  readonly path: string;
  /** `push <reference>`: the start of every error message. */
  readonly where: string;
  /** The caller's signal, aborted too when `timeout` runs out. */
  readonly signal: AbortSignal | undefined;
  readonly report: (progress: PushProgress) => void;
}
