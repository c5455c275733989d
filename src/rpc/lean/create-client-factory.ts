/**
 * A client factory with nice-grpc's API (`use`, `create`) and calls of its own over
 * {@link H2Channel}: the same middleware, call options, errors (`ClientError`, `AbortError`) and
 * client type, without grpc-js underneath.
 *
 * @module
 */
import { type ClientMiddleware, composeClientMiddleware } from "nice-grpc-common";
import type { H2Channel } from "../h2/channel.js";
import { callMethod, type MethodCall } from "./call-method.js";
import { type Method, methodsOf, type ServiceDefinition } from "./method.js";
import { streamingMethod, unaryMethod } from "./public-method.js";

/** @internal Makes clients of service definitions over a channel, each call through the middleware. */
export interface LeanClientFactory {
  use(middleware: ClientMiddleware): LeanClientFactory;
  /** A client of `definition`; its type is nice-grpc's `Client` of the definition. */
  create(definition: ServiceDefinition, channel: H2Channel): Record<string, unknown>;
}

function throughMiddleware(method: Method, next: MethodCall, middleware?: ClientMiddleware): MethodCall {
  if (!middleware) return next;
  const { descriptor } = method;
  return (request, options) =>
    middleware(
      {
        method: descriptor,
        requestStream: descriptor.requestStream,
        request,
        responseStream: descriptor.responseStream,
        next,
      } as Parameters<ClientMiddleware>[0],
      options,
    ) as AsyncGenerator<unknown, unknown>;
}

/** @internal A factory whose clients call through `middleware`; as in nice-grpc, the last `use` is outermost. */
export function createLeanClientFactory(middleware?: ClientMiddleware): LeanClientFactory {
  return {
    use(more) {
      return createLeanClientFactory(middleware ? composeClientMiddleware(middleware, more) : more);
    },
    create(definition, channel) {
      const client: Record<string, unknown> = {};
      for (const [name, method] of methodsOf(definition)) {
        const call = throughMiddleware(method, callMethod(channel, method), middleware);
        client[name] = method.descriptor.responseStream
          ? streamingMethod(call)
          : unaryMethod(call, method.descriptor.path);
      }
      return client;
    },
  };
}
