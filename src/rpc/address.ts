import { isAbsolute } from "node:path";
import { InvalidArgumentError } from "../errors/index.js";

/** Where containerd listens unless `$CONTAINERD_ADDRESS` or `address` says otherwise. */
export const DEFAULT_ADDRESS = "/run/containerd/containerd.sock";

/** @internal A containerd address as shown to users and as the gRPC target for it. */
export interface ResolvedAddress {
  /** The socket path, or `tcp://host:port` for a remote daemon: what errors and logs show. */
  path: string;
  /** `unix:///abs/path` (grpc-js reads `unix:/abs` as host `/abs` port 80) or `host:port`. */
  target: string;
  /**
   * The daemon is reached over TCP, so it may be on another host: FIFOs made here are not
   * visible to its shims.
   */
  remote: boolean;
}

function invalid(raw: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`address: "${raw}" ${why}`, { field: "address" });
}

/** `tcp://host:port` / `tcp://[v6]:port` as a gRPC target. */
function resolveTcp(raw: string): ResolvedAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(raw, "is not a valid tcp://host:port address");
  }
  if (!url.hostname || !url.port || (url.pathname !== "" && url.pathname !== "/") || url.search) {
    throw invalid(raw, "must be tcp://host:port, with a port and nothing after it");
  }
  return { path: `tcp://${url.host}`, target: url.host, remote: true };
}

/**
 * @internal Accepts `/abs/path`, `unix:///abs/path`, `unix:/abs/path`, or `tcp://host:port` for a
 * containerd serving gRPC on TCP (`[grpc] tcp_address`).
 */
export function resolveAddress(address: string | undefined): ResolvedAddress {
  const raw = address ?? process.env.CONTAINERD_ADDRESS ?? DEFAULT_ADDRESS;
  if (raw.startsWith("tcp://")) return resolveTcp(raw);
  const path = raw.startsWith("unix:") ? raw.slice("unix:".length).replace(/^\/+/, "/") : raw;
  if (!isAbsolute(path)) {
    throw invalid(raw, "must be an absolute socket path, a unix:///abs/path URL or tcp://host:port");
  }
  return { path, target: `unix://${path}`, remote: false };
}
