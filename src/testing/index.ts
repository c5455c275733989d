/**
 * `containerd-sdk/testing`: a private containerd for tests and scripts, and busybox root
 * filesystems to run in it, and services for test suites (`startService`, `wait`, and the ready-made
 * `startRedis` and `startPostgres`). Linux, root, containerd and runc required.
 *
 * @packageDocumentation
 */
export { BINARIES_ENV } from "./binaries.js";
export type { BuiltImage, PushBuiltImageOptions } from "./built-image.js";
export { buildDebianImage, type DebianImage } from "./debian-image.js";
export { DEBIAN_IMAGES_ENV } from "./debian-image-cache.js";
export type { DebianImageOptions } from "./debian-image-options.js";
export type { HealthcheckOptions } from "./healthcheck-options.js";
export { type BuildImageOptions, buildBusyboxImage } from "./image.js";
export { parseRpcCounts, type RpcCounts, rpcDelta, rpcTotal } from "./metrics.js";
export type { ModuleOptions } from "./modules/module-options.js";
export { ModuleService } from "./modules/module-service.js";
export { type PostgresOptions, PostgresService, startPostgres } from "./modules/postgres.js";
export { type RedisOptions, RedisService, startRedis } from "./modules/redis.js";
export { type RegistryInstance, type StartRegistryOptions, startRegistry } from "./registry.js";
export { busyboxRootfs } from "./rootfs.js";
export { ServiceStartError, StartupTimeoutError } from "./service/errors.js";
export { DEFAULT_STARTUP_TIMEOUT, type ServiceOptions, type ServicePort } from "./service/options.js";
export {
  DEFAULT_SERVICE_STOP_TIMEOUT,
  ServiceHandle,
  type ServiceStopOptions,
} from "./service/service-handle.js";
export { REUSE_LABEL, SESSION_LABEL, sessionId } from "./service/session.js";
export { startService } from "./service/start-service.js";
export {
  type ForExecOptions,
  type ForHttpOptions,
  type ForLogOptions,
  type ImageHealthcheck,
  type WaitStrategy,
  type WaitTarget,
  wait,
} from "./service/wait/index.js";
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
