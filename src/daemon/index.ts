/**
 * `containerd-sdk/daemon`: bring your own containerd. `superviseContainerd` runs it as a child and
 * keeps it up; `serveOverTls` makes its API reachable from other hosts with mutual TLS.
 *
 * @packageDocumentation
 */
export { serveOverTls, type TlsGateway, type TlsGatewayOptions } from "./tls-gateway.js";
