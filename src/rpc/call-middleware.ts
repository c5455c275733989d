import type { ClientMiddleware } from "nice-grpc-common";
import { typedCallError } from "./call-error.js";
import { startCallLog } from "./call-log.js";
import { type NamespaceCallOptions, withContainerdHeaders } from "./call-metadata.js";

/**
 * @internal Everything the SDK adds to a call, in one middleware (one generator per call instead of
 * one per concern): containerd's namespace and lease headers, the `containerd-sdk:rpc` log line
 * when enabled, and typed errors. The `deadline` option passes through to the transport, whose
 * DEADLINE_EXCEEDED is logged and typed here like any failure.
 */
export function callMiddleware(address: string): ClientMiddleware<NamespaceCallOptions> {
  return async function* containerdCall(call, options) {
    const method = call.method.path;
    const endLog = startCallLog(method, call.request, options);
    let failure: unknown;
    try {
      return yield* call.next(call.request, withContainerdHeaders(options));
    } catch (err) {
      failure = err;
      throw typedCallError(err, address, method);
    } finally {
      // Also when a stream's reader stops early (the generator is returned): that is OK.
      endLog?.(failure);
    }
  };
}
