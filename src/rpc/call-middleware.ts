import { type DeadlineOptions, deadlineMiddleware } from "nice-grpc-client-middleware-deadline";
import type { ClientMiddleware } from "nice-grpc-common";
import { typedCallError } from "./call-error.js";
import { startCallLog } from "./call-log.js";
import { type NamespaceCallOptions, withContainerdHeaders } from "./call-metadata.js";

/**
 * @internal Everything the SDK adds to a call, in one middleware (one generator per call instead of
 * one per concern): containerd's namespace and lease headers, the `containerd-sdk:rpc` log line
 * when enabled, typed errors, and the `deadline` option, applied inside so that a deadline that
 * runs out is logged and typed too (and skipped entirely by the calls that set none).
 */
export function callMiddleware(address: string): ClientMiddleware<NamespaceCallOptions & DeadlineOptions> {
  return async function* containerdCall(call, options) {
    const method = call.method.path;
    const endLog = startCallLog(method, call.request, options);
    const withHeaders = withContainerdHeaders(options);
    let failure: unknown;
    try {
      if (options.deadline == null) return yield* call.next(call.request, withHeaders);
      return yield* deadlineMiddleware(call, withHeaders);
    } catch (err) {
      failure = err;
      throw typedCallError(err, address, method);
    } finally {
      // Also when a stream's reader stops early (the generator is returned): that is OK.
      endLog?.(failure);
    }
  };
}
