/**
 * One method of a ts-proto service definition, as the lean client calls it: its path, its
 * streaming shape and its codecs.
 *
 * @module
 */
import { ClientError, type MethodDescriptor, Status } from "nice-grpc-common";
import { EncodedMessage } from "../encoded-message.js";

/** @internal A ts-proto message type: what the client needs of it. */
export interface MessageType<T = unknown> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial?(object: unknown): T;
}

/** @internal A ts-proto service definition (`generic-definitions` output). */
export interface ServiceDefinition {
  fullName: string;
  methods: Record<
    string,
    {
      name: string;
      requestType: MessageType;
      requestStream: boolean;
      responseType: MessageType;
      responseStream: boolean;
      options: MethodDescriptor["options"];
    }
  >;
}

/** @internal A request in wire form: one buffer, or parts sent in order as one message. */
export type Encoded = Uint8Array | EncodedMessage;

/** @internal A method ready to call: its descriptor for middleware, and its codecs. */
export interface Method {
  descriptor: MethodDescriptor;
  serialize(request: unknown): Encoded;
  deserialize(bytes: Uint8Array): unknown;
}

/**
 * `codec` whose failures are the INTERNAL ClientError grpc-js gives: a request that cannot be encoded
 * (a hostile object) or a response that cannot be decoded is the call's error, not a TypeError.
 */
function guarded<I, O>(path: string, what: string, codec: (input: I) => O): (input: I) => O {
  return (input) => {
    try {
      return codec(input);
    } catch (err) {
      throw new ClientError(path, Status.INTERNAL, `${what}: ${(err as Error)?.message ?? err}`);
    }
  };
}

/** @internal The methods of `definition`, by their name in it. */
export function methodsOf(definition: ServiceDefinition): Map<string, Method> {
  const methods = new Map<string, Method>();
  for (const [key, method] of Object.entries(definition.methods)) {
    const { requestType, responseType } = method;
    const fromPartial = requestType.fromPartial;
    const path = `/${definition.fullName}/${method.name}`;
    const encode = (request: unknown): Encoded => {
      if (request instanceof EncodedMessage) return request;
      return requestType.encode(fromPartial ? fromPartial(request) : request).finish();
    };
    methods.set(key, {
      descriptor: {
        path,
        requestStream: method.requestStream,
        responseStream: method.responseStream,
        options: method.options,
      },
      serialize: guarded(path, "Request message serialization failure", encode),
      deserialize: guarded(path, "Response message parsing error", (bytes: Uint8Array) =>
        responseType.decode(bytes),
      ),
    });
  }
  return methods;
}
