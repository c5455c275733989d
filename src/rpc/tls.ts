import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "../errors/index.js";

/**
 * Mutual TLS to a containerd serving gRPC on TCP (`[grpc] tcp_tls_ca`, `tcp_tls_cert`, `tcp_tls_key`).
 * Each value is PEM text (a string containing `-----BEGIN`, or a Buffer) or the path of a PEM file.
 */
export interface TlsOptions {
  /** The CA that signed the daemon's certificate. Default: Node's trusted roots. */
  ca?: string | Buffer;
  /** This client's certificate, which the daemon checks against its `tcp_tls_ca`. */
  cert?: string | Buffer;
  /** The private key of `cert`. */
  key?: string | Buffer;
  /**
   * The name the daemon's certificate must carry when it differs from the address's host; also
   * sent as SNI (give one with an IP address: Node warns when SNI is an IP).
   */
  serverName?: string;
}

function pem(value: string | Buffer | undefined, field: string): Buffer | null {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value !== "string" || value === "") {
    throw new InvalidArgumentError(`${field} must be PEM text, a Buffer or a file path`, { field });
  }
  if (value.includes("-----BEGIN")) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (err) {
    throw new InvalidArgumentError(`${field}: cannot read ${value}: ${(err as Error).message}`, {
      field,
      cause: err,
    });
  }
}

/**
 * @internal What a TLS channel is made of: PEM buffers (null for Node's roots, or no client
 * certificate) and the name the server's certificate must carry when it is not the host's.
 */
export interface ChannelSecurity {
  ca: Buffer | null;
  cert: Buffer | null;
  key: Buffer | null;
  serverName?: string;
}

/**
 * @internal The security of a channel to `address`: TLS when `tls` is given (TCP only: containerd's
 * unix socket has no TLS), otherwise none; InvalidArgumentError (with `field`) before any connection.
 */
export function channelSecurity(
  address: { remote: boolean; path: string },
  tls: TlsOptions | undefined,
): ChannelSecurity | undefined {
  if (tls === undefined) return undefined;
  if (!address.remote) {
    throw new InvalidArgumentError(
      `tls: containerd serves TLS only on tcp://host:port addresses, not on ${address.path}`,
      { field: "tls" },
    );
  }
  if (tls.serverName !== undefined && (typeof tls.serverName !== "string" || tls.serverName === "")) {
    throw new InvalidArgumentError("tls.serverName must be a non-empty string", { field: "tls.serverName" });
  }
  const ca = pem(tls.ca, "tls.ca");
  const cert = pem(tls.cert, "tls.cert");
  const key = pem(tls.key, "tls.key");
  if (!cert !== !key) {
    const field = cert ? "tls.key" : "tls.cert";
    throw new InvalidArgumentError(`${field}: tls.cert and tls.key go together`, { field });
  }
  return { ca, cert, key, ...(tls.serverName ? { serverName: tls.serverName } : {}) };
}
