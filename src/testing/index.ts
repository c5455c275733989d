/**
 * `containerd-sdk/testing`: a private containerd for tests and scripts, and busybox root
 * filesystems to run in it. Linux, root, containerd and runc required.
 *
 * @packageDocumentation
 */
export { BINARIES_ENV } from "./binaries.js";
export type { BuiltImage, PushBuiltImageOptions } from "./built-image.js";
export { buildDebianImage, type DebianImage } from "./debian-image.js";
export { DEBIAN_IMAGES_ENV } from "./debian-image-cache.js";
export type { DebianImageHealthcheck, DebianImageOptions } from "./debian-image-options.js";
export { type BuildImageOptions, buildBusyboxImage } from "./image.js";
export { parseRpcCounts, type RpcCounts, rpcDelta, rpcTotal } from "./metrics.js";
export { type RegistryInstance, type StartRegistryOptions, startRegistry } from "./registry.js";
export { busyboxRootfs } from "./rootfs.js";
export {
  POSTGRES_READY_LOG,
  postgresImage,
  REDIS_READY_LOG,
  redisImage,
  type ServiceImageOptions,
} from "./service-images.js";
export { startContainerd } from "./start-containerd.js";
export { createTestCertificates, type TestCertificates } from "./tls.js";
export type {
  ContainerdInstance,
  ContainerdLogLevel,
  RestartOptions,
  StartContainerdOptions,
} from "./types.js";
