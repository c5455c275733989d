import { fromGrpcError, UnavailableError } from "../errors/index.js";

/** @internal A gRPC call's failure as the SDK's typed error; an AbortError passes as is. */
export function typedCallError(err: unknown, address: string, method: string): unknown {
  // grpc-js throws a plain Error for a call on a closed channel.
  if (err instanceof Error && err.message === "Channel has been shut down") {
    return new UnavailableError(`containerd-sdk: the client for ${address} is closed`, {
      cause: err,
      method,
    });
  }
  return fromGrpcError(err, { address, method });
}
