import { ClientError } from "nice-grpc-common";
import { fromGrpcError, UnavailableError } from "../errors/index.js";
import { CHANNEL_CLOSED } from "./transport.js";

/** @internal A gRPC call's failure as the SDK's typed error; an AbortError passes as is. */
export function typedCallError(err: unknown, address: string, method: string): unknown {
  // grpc-js throws a plain Error for a call on a closed channel; the lean channel ends it UNAVAILABLE.
  const said = err instanceof ClientError ? err.details : err instanceof Error ? err.message : undefined;
  if (said === CHANNEL_CLOSED) {
    return new UnavailableError(`containerd-sdk: the client for ${address} is closed`, {
      cause: err,
      method,
    });
  }
  return fromGrpcError(err, { address, method });
}
