import createDebug from "debug";
import { type ClientMiddleware, Metadata, Status } from "nice-grpc-common";
import type { NamespaceCallOptions } from "./namespace-middleware.js";
import { currentOperation, newOperationId, noteContainerOperation } from "./operation.js";

const debug = createDebug("containerd-sdk:rpc");

/**
 * @internal Logs each RPC under `containerd-sdk:rpc`: operation id (shared by the RPCs of one
 * handle operation), method, namespace, duration, outcome. It runs outside the namespace
 * middleware, so it reads the namespace from the call option, not the metadata.
 */
export const logMiddleware: ClientMiddleware<NamespaceCallOptions> = async function* logMiddleware(
  call,
  options,
) {
  if (!debug.enabled) return yield* call.next(call.request, options);
  const op = currentOperation() ?? newOperationId();
  const ns = options.namespace ?? Metadata(options.metadata).get("containerd-namespace") ?? "-";
  const containerId = (call.request as { containerId?: unknown } | undefined)?.containerId;
  if (typeof containerId === "string" && containerId !== "") noteContainerOperation(ns, containerId, op);
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
