import { type CallOptions, Metadata } from "nice-grpc-common";
import { currentLease, LEASE_HEADER } from "./lease-context.js";

/** Per-call option of the raw stubs: the containerd namespace a call runs in (`containerd-namespace` metadata). */
export interface NamespaceCallOptions {
  /** The namespace; omitted for the services that need none (Version, Introspection, Events.Subscribe). */
  namespace?: string;
}

/** Namespaces seen so far, each with its metadata; cleared when it outgrows {@link MAX_CACHED}. */
const byNamespace = new Map<string, Metadata>();
const MAX_CACHED = 64;

/**
 * The metadata of a call that carries only a namespace, the common case: made once per namespace,
 * since a Metadata is a dozen closures, and shared. Safe because nothing below this middleware
 * writes to a call's metadata: both transports only read it.
 */
function namespaceMetadata(namespace: string): Metadata {
  let metadata = byNamespace.get(namespace);
  if (metadata === undefined) {
    if (byNamespace.size >= MAX_CACHED) byNamespace.clear();
    metadata = Metadata().set("containerd-namespace", namespace);
    byNamespace.set(namespace, metadata);
  }
  return metadata;
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
  if (lease === undefined && options.metadata === undefined) {
    return { ...options, metadata: namespaceMetadata(namespace as string) };
  }
  const metadata = Metadata(options.metadata);
  if (namespace !== undefined) metadata.set("containerd-namespace", namespace);
  if (lease !== undefined && !metadata.has(LEASE_HEADER)) metadata.set(LEASE_HEADER, lease);
  return { ...options, metadata };
}
