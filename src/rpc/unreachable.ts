import { isAbortError } from "abort-controller-x";
import {
  isDeadlineExceeded,
  isPermissionDenied,
  isUnavailable,
  PermissionDeniedError,
  UnavailableError,
} from "../errors/index.js";

/**
 * @internal The error `Client.connect` rejects with when its first call fails: it names the socket,
 * since grpc-js's own text ("No connection established") does not.
 */
export function unreachable(path: string, err: unknown): unknown {
  if (isAbortError(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  if (isPermissionDenied(err) || /EACCES|EPERM|permission denied/i.test(detail)) {
    return new PermissionDeniedError(`containerd-sdk: permission denied on ${path}: ${detail}`, {
      cause: err,
    });
  }
  // A daemon that never answers within the timeout is as unreachable as a missing socket.
  if (isUnavailable(err) || isDeadlineExceeded(err) || !(err instanceof Error)) {
    return new UnavailableError(`containerd-sdk: containerd is not reachable at ${path}: ${detail}`, {
      cause: err,
    });
  }
  return err;
}
