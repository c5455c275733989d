export type { CallOptions } from "./call-options.js";
export {
  Client,
  type ConnectOptions,
  DEFAULT_FIFO_DIR,
  type RunContainerOptions,
  type VersionInfo,
} from "./client.js";
export {
  Container,
  type DeleteContainerOptions,
  type InfoOptions,
  type LoadTaskOptions,
  type UpdateContainerOptions,
} from "./container.js";
export type { AnyValue, ContainerInfo, RuncOptions, RuntimeInfo } from "./container-info.js";
export {
  type Containers,
  type CreateContainerOptions,
  DEFAULT_RUNTIME,
  type ListContainersOptions,
} from "./containers.js";
export * from "./errors/index.js";
export type { ContainerdEvent, ExitStatus } from "./events/event.js";
export type { Events, SubscribeOptions } from "./events/events.js";
export { assertIdentifier } from "./identifiers.js";
export type { Introspection, PluginInfo } from "./introspection.js";
export type {
  LogBinaryOption,
  OutputOption,
  StdinOption,
  StdioOption,
  StdioSpec,
  StdioStreams,
} from "./io/index.js";
export type { TaskMetrics } from "./metrics.js";
export type { NamespaceInfo, Namespaces } from "./namespaces.js";
export type { HostNamespace, ProcessOptions, ResourceOptions, SpecOptions } from "./oci/index.js";
export type * from "./oci/spec.js";
export {
  type DeleteProcessOptions,
  type KillOptions,
  Process,
  type ProcessEvents,
  ProcessHandle,
} from "./process.js";
export type { ProcessState, ProcessStatus } from "./process-status.js";
export type { RootfsMount } from "./rootfs-mounts.js";
export { DEFAULT_ADDRESS } from "./rpc/address.js";
export type { RawCallOptions, RawServices } from "./rpc/services.js";
export type { TlsOptions } from "./rpc/tls.js";
export type { RunResult } from "./run-result.js";
export type { Signal } from "./signals.js";
export {
  type ExecOptions,
  type NewTaskOptions,
  type PidInfo,
  type RunOptions,
  Task,
  type UpdateTaskOptions,
} from "./task.js";
export { decodeAny, encodeAny, normalizeTypeUrl } from "./typeurl/index.js";
