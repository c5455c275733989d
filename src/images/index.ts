/**
 * Images: content store, leases, snapshots, diff, image records, import/export, registry pull and push.
 *
 * @module
 */

export { LEASE_HEADER } from "../rpc/lease-context.js";
export { chainIds } from "./chain-id.js";
export type { CheckpointOptions } from "./checkpoint.js";
export type {
  ContentInfo,
  ContentSource,
  IngestStatus,
  ReadContentOptions,
  WriteContentOptions,
} from "./content.js";
export { Content } from "./content.js";
export type { Descriptor, Platform } from "./descriptor.js";
export type { ExportOptions } from "./export.js";
export { Image, type ImageInfo, type ImagePlatformOptions, type UnpackOptions } from "./image.js";
export { resolveImageUser } from "./image-user.js";
export { type CreateImageOptions, Images } from "./images.js";
export type { ImportOptions } from "./import/types.js";
export {
  type CreateLeaseOptions,
  type DeleteLeaseOptions,
  type LeaseInfo,
  type LeaseResource,
  Leases,
  type WithLeaseOptions,
} from "./leases.js";
export type { ImageConfig, ImageRuntimeConfig, ManifestJson, ResolvedManifest } from "./manifest.js";
export { hostPlatform } from "./platform.js";
export type { RegistryAuth } from "./pull/auth.js";
export { isLoopbackHost } from "./pull/registry.js";
export type { PullOptions, PullProgress } from "./pull/types.js";
export type { BlobKind, PushOptions, PushProgress } from "./push/types.js";
export { type ImageReference, normalizeReference, parseReference } from "./reference.js";
export {
  DEFAULT_SNAPSHOTTER,
  type SnapshotInfo,
  type SnapshotKind,
  type SnapshotOptions,
  Snapshotter,
  type SnapshotUsage,
} from "./snapshots.js";
