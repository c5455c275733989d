/**
 * Requests already in protobuf wire form, in parts. A content write carries a megabyte that
 * arrived as many chunks: encoding it as a message would copy it twice (gathered into one `bytes`
 * field, then into the encoder's buffer) and the frame a third time. The lean transport sends the
 * parts as they are; grpc-js gets them joined.
 *
 * @module
 */

/** @internal A request message as wire-format parts, sent in order as one message. */
export class EncodedMessage {
  /** The message's length in bytes. */
  readonly length: number;

  constructor(readonly parts: readonly Uint8Array[]) {
    this.length = parts.reduce((n, part) => n + part.length, 0);
  }
}

interface RequestType {
  encode(message: unknown): { finish(): Uint8Array };
  fromPartial?(object: unknown): unknown;
}

/** `type` that also takes an {@link EncodedMessage}, as one joined buffer. */
function acceptingEncoded(type: RequestType): RequestType {
  const { fromPartial } = type;
  return {
    ...type,
    encode: (message) =>
      message instanceof EncodedMessage
        ? { finish: () => Buffer.concat(message.parts) }
        : type.encode(message),
    ...(fromPartial && {
      fromPartial: (object: unknown) => (object instanceof EncodedMessage ? object : fromPartial(object)),
    }),
  };
}

/** @internal `definition` (ts-proto's) whose requests may be {@link EncodedMessage}s: for grpc-js. */
export function acceptEncodedRequests<D extends { methods: object }>(definition: D): D {
  const methods: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    methods[key] = { ...method, requestType: acceptingEncoded(method.requestType) };
  }
  return { ...definition, methods };
}
