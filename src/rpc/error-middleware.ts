import type { ClientMiddleware } from "nice-grpc-common";
import { fromGrpcError, UnavailableError } from "../errors/index.js";

/** @internal Turns every gRPC failure into the SDK's typed errors; an AbortError passes as is. */
export function errorMiddleware(address: string): ClientMiddleware {
  return async function* errorMiddleware(call, options) {
    try {
      return yield* call.next(call.request, options);
    } catch (err) {
      // grpc-js throws a plain Error for a call on a closed channel.
      if (err instanceof Error && err.message === "Channel has been shut down") {
        throw new UnavailableError(`containerd-sdk: the client for ${address} is closed`, {
          cause: err,
          method: call.method.path,
        });
      }
      throw fromGrpcError(err, { address, method: call.method.path });
    }
  };
}
