import { InvalidArgumentError } from "../errors/index.js";
import "./known-types.js";
import { lookupType } from "./registry.js";

/** A `google.protobuf.Any` as plain data: the type URL and the encoded value. */
export interface AnyValue {
  typeUrl: string;
  value: Uint8Array;
}

/**
 * A type URL as containerd writes it: the bare full name. Go's typeurl accepts
 * `type.googleapis.com/` and a leading `/` as well, so decoding does too.
 */
export function normalizeTypeUrl(typeUrl: string): string {
  // Every event and record containerd sends takes this path: no regex for the common bare name.
  if (!typeUrl.startsWith("/") && !typeUrl.startsWith("type.")) return typeUrl;
  const slash = typeUrl.startsWith("type.googleapis.com/") ? "type.googleapis.com/".length : 0;
  return typeUrl.slice(slash).replace(/^\/+/, "");
}

/**
 * Encodes `value` as an Any under `typeUrl`. Registered protobuf types take a partial message,
 * OCI types a JSON-able object; a `Uint8Array` passes through as already-encoded bytes.
 */
export function encodeAny(typeUrl: string, value: unknown): AnyValue {
  const url = normalizeTypeUrl(typeUrl);
  if (value instanceof Uint8Array) return { typeUrl: url, value };
  const codec = lookupType(url);
  if (!codec) {
    throw new InvalidArgumentError(`typeUrl: no codec for "${url}"; pass the value as encoded bytes`, {
      field: "typeUrl",
    });
  }
  return { typeUrl: url, value: codec.encode(value) };
}

/** Decodes an Any; an unregistered type comes back as its raw bytes. */
export function decodeAny(any: AnyValue): { typeUrl: string; value: unknown } {
  const url = normalizeTypeUrl(any.typeUrl);
  const codec = lookupType(url);
  return { typeUrl: url, value: codec ? codec.decode(any.value) : any.value };
}

/** Whether a codec is registered for `typeUrl` (prefix tolerated). */
export function isKnownType(typeUrl: string): boolean {
  return lookupType(normalizeTypeUrl(typeUrl)) !== undefined;
}
