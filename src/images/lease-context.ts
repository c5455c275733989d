import { AsyncLocalStorage } from "node:async_hooks";
import { type CallOptions, type ClientMiddleware, Metadata } from "nice-grpc-common";

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

/**
 * @internal Adds the `containerd-lease` header to calls made inside `withLease`, so blobs and
 * snapshots they create are protected from GC until something references them.
 */
export const leaseMiddleware: ClientMiddleware = async function* leaseMiddleware(call, options) {
  const lease = current.getStore();
  if (lease === undefined) return yield* call.next(call.request, options);
  const metadata = Metadata(options.metadata);
  if (!metadata.has(LEASE_HEADER)) metadata.set(LEASE_HEADER, lease);
  return yield* call.next(call.request, { ...options, metadata } as CallOptions);
};
