/**
 * `containerd-sdk/daemon`: bring your own containerd. `superviseContainerd` runs it as a child and
 * keeps it up; `serveOverTls` makes its API reachable from other hosts with mutual TLS.
 *
 * @packageDocumentation
 */
export type { DaemonExit } from "./child.js";
export {
  ContainerdSupervisor,
  type RestartPolicy,
  type SuperviseOptions,
  type SupervisorExitEvent,
  type SupervisorReadyEvent,
  type SupervisorRestartEvent,
  type SupervisorStartEvent,
  type SupervisorStopOptions,
  superviseContainerd,
} from "./supervisor.js";
export { serveOverTls, type TlsGateway, type TlsGatewayOptions } from "./tls-gateway.js";
export type { ContainerdConfig, TomlValue } from "./toml.js";
