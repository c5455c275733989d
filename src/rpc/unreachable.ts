import { isAbortError } from "abort-controller-x";
import {
  isDeadlineExceeded,
  isNotImplemented,
  isPermissionDenied,
  isUnavailable,
  NotImplementedError,
  PermissionDeniedError,
  UnauthenticatedError,
  UnavailableError,
} from "../errors/index.js";

/** @internal Where `Client.connect` tried to go. */
export interface ConnectTarget {
  /** The socket path or `tcp://host:port`. */
  path: string;
  remote: boolean;
  /** Mutual TLS was asked for. */
  tls: boolean;
}

// What grpc-js and OpenSSL say when a handshake fails: a certificate we do not trust, or an alert
// from a server that does not trust ours.
const TLS_FAILURE = /certificate|SSL|TLS|alert|handshake/i;

/**
 * @internal The error `Client.connect` rejects with when its first call fails: it names the address,
 * since grpc-js's own text ("No connection established") does not, and says what TLS and TCP
 * failures usually mean.
 */
export function unreachable(target: ConnectTarget, err: unknown): unknown {
  if (isAbortError(err)) return err;
  const { path } = target;
  const detail = err instanceof Error ? err.message : String(err);
  if (target.remote && isNotImplemented(err)) {
    return new NotImplementedError(
      `containerd-sdk: ${path} does not serve containerd's API (${detail}); containerd's own [grpc] ` +
        "tcp_address serves only CRI: put a TLS gateway in front of its socket (serveOverTls from containerd-sdk/daemon)",
      { cause: err },
    );
  }
  if (isPermissionDenied(err) || /EACCES|EPERM|permission denied/i.test(detail)) {
    return new PermissionDeniedError(`containerd-sdk: permission denied on ${path}: ${detail}`, {
      cause: err,
    });
  }
  // A daemon that never answers within the timeout is as unreachable as a missing socket.
  if (isUnavailable(err) || isDeadlineExceeded(err) || !(err instanceof Error)) {
    if (target.tls && TLS_FAILURE.test(detail)) {
      return new UnauthenticatedError(
        `containerd-sdk: TLS with ${path} failed: ${detail} (tls.ca must sign the server's certificate, ` +
          "and the server must trust tls.cert)",
        { cause: err },
      );
    }
    const hint = target.tls ? " (or it refused this client's TLS certificate)" : "";
    return new UnavailableError(`containerd-sdk: containerd is not reachable at ${path}${hint}: ${detail}`, {
      cause: err,
    });
  }
  return err;
}
