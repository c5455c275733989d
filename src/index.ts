export type { OperationOptions } from "./base/call-options.js";
export { assertIdentifier } from "./base/identifiers.js";
export {
  Client,
  type ConnectOptions,
  DEFAULT_FIFO_DIR,
  type RunContainerOptions,
  type VersionInfo,
} from "./client.js";
export {
  Container,
  type ContainerEvents,
  type Containers,
  type DeleteContainerOptions,
  type InfoOptions,
  type UpdateContainerOptions,
} from "./container.js";
export {
  type CreateContainerOptions,
  DEFAULT_RUNTIME,
  type ListContainersOptions,
} from "./containers/create-options.js";
export { DEFAULT_RUNTIME_LABEL, DEFAULT_SNAPSHOTTER_LABEL } from "./containers/namespace-defaults.js";
export type { PruneOptions, PruneResult } from "./containers/prune-options.js";
export * from "./errors/index.js";
export type {
  ContainerdEvent,
  EventBase,
  EventMount,
  EventPayloads,
  EventTopic,
  ExitStatus,
  KnownEvent,
  UnknownEvent,
} from "./events/event.js";
export type { Events, SubscribeOptions } from "./events/events.js";
export { type FilterOperator, filters } from "./events/filters.js";
export type { ClientEvents, DisconnectInfo, ReconnectInfo } from "./events/hub.js";
export type { CopyToEntry } from "./files/options.js";
export * from "./images/index.js";
export type { Introspection, PluginInfo } from "./introspection/introspection.js";
export type {
  LogBinaryOption,
  OutputOption,
  StdinOption,
  StdioOption,
  StdioSpec,
  StdioStreams,
} from "./io/index.js";
export type { RunIOOptions, RunResult } from "./io/run-result.js";
export {
  DEFAULT_LOG_DIR,
  LOG_DIR_ENV,
  type LogEntry,
  type LogFileOptions,
  type LogOption,
  type LogsOptions,
} from "./logs/index.js";
export type { CreateNamespaceOptions, NamespaceInfo, Namespaces } from "./namespaces/namespaces.js";
export type {
  AttachOptions as NetworkAttachOptions,
  Network,
  NetworkAttachment,
  NetworkCreateOptions,
  NetworkFiles,
  NetworkInfo,
  NetworkJoin,
  NetworkRequest,
  Networks,
  NetworksOptions,
  PortMapping,
  PortProtocol,
  PublishedPort,
  SweepOptions,
} from "./network/index.js";
export {
  HOST_NAMESPACES,
  type HostNamespace,
  type ProcessOptions,
  type ResourceOptions,
  type SpecOptions,
} from "./oci/index.js";
/** OCI runtime spec types (`oci.Spec`, `oci.Process`, `oci.Mount` …), as containerd stores them. */
export type * as oci from "./oci/spec.js";
export { type ResolvedUser, resolveUser } from "./oci/user-lookup.js";
export {
  type DeleteProcessOptions,
  type KillOptions,
  Process,
  type ProcessEvents,
  ProcessHandle,
  type StopOptions,
} from "./process.js";
export type { AttachOptions } from "./processes/load.js";
export { DEFAULT_ADDRESS } from "./rpc/address.js";
export type { NamespaceCallOptions } from "./rpc/call-metadata.js";
export type { RawCallOptions, RawServices } from "./rpc/services.js";
export type { TlsOptions } from "./rpc/tls.js";
export type { Transport } from "./rpc/transport.js";
export type { ContainerInfo, RuncOptions, RuntimeInfo } from "./runtime/container-info.js";
export type { TaskMetrics } from "./runtime/metrics.js";
export type { ProcessState, ProcessStatus } from "./runtime/process-status.js";
export type { RootfsMount } from "./runtime/rootfs-mounts.js";
export type { Signal } from "./runtime/signals.js";
export type { TaskRuntimeOptions } from "./runtime/task-runtime.js";
export {
  type ExecOptions,
  type NewTaskOptions,
  type PidInfo,
  type RunOptions,
  Task,
  type UpdateTaskOptions,
} from "./task.js";
export { type AnyValue, decodeAny, encodeAny, normalizeTypeUrl } from "./typeurl/index.js";
