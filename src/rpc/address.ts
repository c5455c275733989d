import { isAbsolute } from "node:path";
import { InvalidArgumentError } from "../errors/index.js";

/** Where containerd listens unless `$CONTAINERD_ADDRESS` or `address` says otherwise. */
export const DEFAULT_ADDRESS = "/run/containerd/containerd.sock";

/** @internal A containerd address as a socket path and as the gRPC target for it. */
export interface ResolvedAddress {
  /** The socket path, as errors and logs show it. */
  path: string;
  /** `unix:///abs/path`: grpc-js reads `unix:/abs` as host `/abs` port 80. */
  target: string;
}

/** @internal Accepts `/abs/path`, `unix:///abs/path` or `unix:/abs/path`. */
export function resolveAddress(address: string | undefined): ResolvedAddress {
  const raw = address ?? process.env.CONTAINERD_ADDRESS ?? DEFAULT_ADDRESS;
  const path = raw.startsWith("unix:") ? raw.slice("unix:".length).replace(/^\/+/, "/") : raw;
  if (!isAbsolute(path)) {
    throw new InvalidArgumentError(
      `address: "${raw}" must be an absolute socket path or a unix:///abs/path URL (containerd is host-local)`,
      { field: "address" },
    );
  }
  return { path, target: `unix://${path}` };
}
