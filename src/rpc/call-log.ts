import createDebug from "debug";
import { Metadata, Status } from "nice-grpc-common";
import type { NamespaceCallOptions } from "./call-metadata.js";
import { currentOperation, newOperationId, noteContainerOperation } from "./operation.js";

const debug = createDebug("containerd-sdk:rpc");

/** @internal Ends a call's log line with its outcome: no error for OK. */
export type EndCallLog = (err?: unknown) => void;

/**
 * @internal Starts logging one RPC under `containerd-sdk:rpc` (operation id, shared by the RPCs of
 * one handle operation; method, namespace, duration, outcome), or undefined when that is off. It
 * reads the namespace from the call option, or from metadata the caller set.
 */
export function startCallLog(
  method: string,
  request: unknown,
  options: NamespaceCallOptions & { metadata?: Metadata },
): EndCallLog | undefined {
  if (!debug.enabled) return undefined;
  const op = currentOperation() ?? newOperationId();
  const ns = options.namespace ?? Metadata(options.metadata).get("containerd-namespace") ?? "-";
  const containerId = (request as { containerId?: unknown } | undefined)?.containerId;
  if (typeof containerId === "string" && containerId !== "") noteContainerOperation(ns, containerId, op);
  const started = performance.now();
  return (err) => {
    let outcome = "OK";
    if (err !== undefined) {
      const code = (err as { code?: unknown }).code;
      outcome = typeof code === "number" ? (Status[code] ?? String(code)) : String((err as Error).name);
    }
    const ms = (performance.now() - started).toFixed(1);
    debug("op=%d %s ns=%s %sms %s", op, method, ns, ms, outcome);
  };
}
