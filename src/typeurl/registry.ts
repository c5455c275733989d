import type { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

/** @internal How one type URL turns into bytes and back. */
export interface TypeCodec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** @internal The shape ts-proto gives every generated message. */
export interface MessageFns {
  encode(message: never, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): unknown;
  fromPartial(object: never): unknown;
}

const codecs = new Map<string, TypeCodec>();

// One of each, made once: a TextDecoder costs more to make than a spec costs to decode.
const utf8 = new TextEncoder();
const utf8Text = new TextDecoder();

/** @internal Registers a codec under a bare type URL (`containerd.events.TaskExit`). */
export function registerType(typeUrl: string, codec: TypeCodec): void {
  codecs.set(typeUrl, codec);
}

/**
 * @internal Registers every message a generated module exports under `<pkg>.<Name>`.
 * ts-proto names nested messages `Outer_Inner`; protobuf's full name is `Outer.Inner`.
 */
export function registerProtoModule(pkg: string, module: Record<string, unknown>): void {
  for (const [name, fns] of Object.entries(module)) {
    if (!isMessageFns(fns)) continue;
    registerType(`${pkg}.${name.replaceAll("_", ".")}`, {
      encode: (value) => fns.encode(fns.fromPartial(value as never) as never).finish(),
      decode: (bytes) => fns.decode(bytes),
    });
  }
}

/** @internal Registers a type that travels as JSON (containerd's OCI types). */
export function registerJsonType(typeUrl: string): void {
  registerType(typeUrl, {
    encode: (value) => utf8.encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(utf8Text.decode(bytes)),
  });
}

/** @internal The codec for a normalized type URL, if one is registered. */
export function lookupType(typeUrl: string): TypeCodec | undefined {
  return codecs.get(typeUrl);
}

function isMessageFns(value: unknown): value is MessageFns {
  const v = value as Partial<MessageFns> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.encode === "function" &&
    typeof v.decode === "function" &&
    typeof v.fromPartial === "function"
  );
}
