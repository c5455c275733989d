import { type CallOptions, type ClientMiddleware, Metadata } from "nice-grpc-common";

/** Per-call option of the raw stubs: the containerd namespace a call runs in (`containerd-namespace` metadata). */
export interface NamespaceCallOptions {
  /** The namespace; omitted for the services that need none (Version, Introspection, Events.Subscribe). */
  namespace?: string;
}

/** @internal Adds `containerd-namespace` metadata when a call names a namespace. */
export const namespaceMiddleware: ClientMiddleware<NamespaceCallOptions> =
  async function* namespaceMiddleware(call, options) {
    const { namespace, ...rest } = options;
    if (namespace === undefined) return yield* call.next(call.request, rest);
    const metadata = Metadata(rest.metadata).set("containerd-namespace", namespace);
    return yield* call.next(call.request, { ...rest, metadata } as CallOptions);
  };
