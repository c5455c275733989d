import { AsyncLocalStorage } from "node:async_hooks";
import createDebug from "debug";

// Operation ids exist only for the `:rpc` log. On Node 20 the first AsyncLocalStorage.run() turns on
// V8 promise hooks for the rest of the process (every await in the caller's code too costs about
// twice the CPU), so nothing runs in the store unless that log is on.
const rpcLog = createDebug("containerd-sdk:rpc");
const current = new AsyncLocalStorage<number>();
let nextId = 0;
/** Last operation that touched each container, so `:events` lines can name their cause. */
const lastOpByContainer = new Map<string, number>();
const MAX_REMEMBERED = 4_096;

/** @internal A fresh operation id. */
export function newOperationId(): number {
  return ++nextId;
}

/**
 * @internal Runs `fn` as one operation: every RPC it makes logs the same `op=N` in
 * `containerd-sdk:rpc`. Nested operations keep the outer id. Without that log, just runs `fn`.
 */
export function inOperation<T>(fn: () => Promise<T>): Promise<T> {
  if (!rpcLog.enabled || current.getStore() !== undefined) return fn();
  return current.run(newOperationId(), fn);
}

/** @internal The id of the operation running now, if any. */
export function currentOperation(): number | undefined {
  return current.getStore();
}

/** @internal Remembers that operation `op` acted on a container (only while debug logging is on). */
export function noteContainerOperation(namespace: string, containerId: string, op: number): void {
  const k = `${namespace}\0${containerId}`;
  lastOpByContainer.delete(k);
  lastOpByContainer.set(k, op);
  if (lastOpByContainer.size > MAX_REMEMBERED) {
    const oldest = lastOpByContainer.keys().next().value;
    if (oldest !== undefined) lastOpByContainer.delete(oldest);
  }
}

/** @internal `op=N` of the last operation on a container, or `op=-` when none is known. */
export function causeOf(namespace: string, containerId: string): string {
  return `op=${lastOpByContainer.get(`${namespace}\0${containerId}`) ?? "-"}`;
}
