import { AsyncLocalStorage } from "node:async_hooks";

const current = new AsyncLocalStorage<string>();

/** gRPC metadata key containerd reads the caller's lease from (leases/grpc.go). */
export const LEASE_HEADER = "containerd-lease";

/** @internal The lease id of the enclosing `withLease`, if any. */
export function currentLease(): string | undefined {
  return current.getStore();
}

/** @internal Runs `fn` with every containerd call inside it carrying lease `id`. */
export function runInLease<T>(id: string, fn: () => Promise<T>): Promise<T> {
  return current.run(id, fn);
}
