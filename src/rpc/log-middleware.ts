import createDebug from "debug";
import { type ClientMiddleware, Metadata, Status } from "nice-grpc-common";

const debug = createDebug("containerd-sdk:rpc");
let nextOperationId = 0;

/** @internal Logs each RPC under `containerd-sdk:rpc`: operation id, method, namespace, duration, outcome. */
export const logMiddleware: ClientMiddleware = async function* logMiddleware(call, options) {
  if (!debug.enabled) return yield* call.next(call.request, options);
  const op = ++nextOperationId;
  const ns = Metadata(options.metadata).get("containerd-namespace") ?? "-";
  const started = performance.now();
  let outcome = "OK";
  try {
    return yield* call.next(call.request, options);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    outcome = typeof code === "number" ? (Status[code] ?? String(code)) : String((err as Error).name);
    throw err;
  } finally {
    const ms = (performance.now() - started).toFixed(1);
    debug("op=%d %s ns=%s %sms %s", op, call.method.path, ns, ms, outcome);
  }
};
