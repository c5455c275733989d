/**
 * nice-grpc's Metadata to and from HTTP/2 headers: `-bin` values travel base64, the rest as text;
 * pseudo-headers and the ones gRPC itself owns are not metadata.
 *
 * @module
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { Metadata } from "nice-grpc-common";

/** Headers HTTP/2 or gRPC set for themselves, which a caller's metadata must not carry. */
const RESERVED = new Set(["content-type", "te", "user-agent", "grpc-timeout", "grpc-encoding"]);

function isBinary(key: string): boolean {
  return key.endsWith("-bin");
}

/** @internal `metadata` as request headers. */
export function metadataHeaders(metadata: Metadata | undefined): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (metadata === undefined) return headers;
  for (const [key, values] of metadata) {
    if (RESERVED.has(key)) continue;
    const encoded = values.map((value) =>
      typeof value === "string" ? value : Buffer.from(value).toString("base64"),
    );
    headers[key] = encoded.length === 1 ? encoded[0] : encoded;
  }
  return headers;
}

/** @internal The metadata response headers or trailers carry (gRPC's own status headers left out). */
export function headerMetadata(headers: IncomingHttpHeaders): Metadata {
  const metadata = Metadata();
  for (const [key, raw] of Object.entries(headers)) {
    if (raw === undefined || key.startsWith(":") || key === "grpc-status" || key === "grpc-message") continue;
    const values = Array.isArray(raw) ? raw : isBinary(key) ? raw.split(",") : [raw];
    for (const value of values) {
      if (isBinary(key)) metadata.append(key, Buffer.from(value, "base64"));
      else metadata.append(key, value);
    }
  }
  return metadata;
}
