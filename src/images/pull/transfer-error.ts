import { DataLossError, FailedPreconditionError, fromHttpStatus, UnknownError } from "../../errors/index.js";

/**
 * @internal containerd's errors for what the client-side pull types itself: a registry's HTTP failure arrives
 * as its message (`unexpected status from GET request to …: 401 Unauthorized`) under gRPC Unknown,
 * typed here by its HTTP status; a blob that does not match its digest fails its commit
 * (FailedPrecondition), a DataLossError here.
 */
export function transferError(err: unknown, where: string): unknown {
  if (err instanceof FailedPreconditionError && /unexpected commit digest/.test(err.message)) {
    return new DataLossError(`${where}: ${err.message}`, { cause: err });
  }
  if (!(err instanceof UnknownError)) return err;
  const status = /unexpected status from \w+ request to \S+?: (\d{3}) /.exec(err.message)?.[1];
  if (!status) return err;
  return fromHttpStatus(Number(status), `${where}: ${err.message}`, { cause: err });
}
