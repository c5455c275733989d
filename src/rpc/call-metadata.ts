import { type CallOptions, Metadata } from "nice-grpc-common";
import { currentLease, LEASE_HEADER } from "./lease-context.js";

/** Per-call option of the raw stubs: the containerd namespace a call runs in (`containerd-namespace` metadata). */
export interface NamespaceCallOptions {
  /** The namespace; omitted for the services that need none (Version, Introspection, Events.Subscribe). */
  namespace?: string;
}

/**
 * @internal The call's options with containerd's headers added: `containerd-namespace` when the
 * call names a namespace, and `containerd-lease` inside `withLease` (unless the caller set one).
 * Returns `options` itself when there is nothing to add.
 */
export function withContainerdHeaders<O extends CallOptions & NamespaceCallOptions>(options: O): O {
  const { namespace } = options;
  const lease = currentLease();
  if (namespace === undefined && lease === undefined) return options;
  const metadata = Metadata(options.metadata);
  if (namespace !== undefined) metadata.set("containerd-namespace", namespace);
  if (lease !== undefined && !metadata.has(LEASE_HEADER)) metadata.set(LEASE_HEADER, lease);
  return { ...options, metadata };
}
