/**
 * A call's gRPC status from what HTTP/2 said: the trailers (or a trailers-only response), else the
 * HTTP status, else the stream's reset code or the connection's error, as grpc-js maps them.
 *
 * @module
 */
import { constants, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from "node:http2";
import { Metadata, Status } from "nice-grpc-common";
import { headerMetadata } from "./metadata.js";

/** @internal How a call ended: a gRPC status code, its message and the trailers' metadata. */
export interface CallStatus {
  code: Status;
  details: string;
  /** Built when first read: most calls have no `onTrailer`, and a Metadata is a dozen closures. */
  readonly metadata: Metadata;
}

/** A status whose metadata `make` builds on first read. */
class LazyStatus implements CallStatus {
  #metadata: Metadata | undefined;
  readonly #make: () => Metadata;

  constructor(
    readonly code: Status,
    readonly details: string,
    make: () => Metadata,
  ) {
    this.#make = make;
  }

  get metadata(): Metadata {
    this.#metadata ??= this.#make();
    return this.#metadata;
  }
}

/** @internal A status with no metadata. */
export function bareStatus(code: Status, details: string): CallStatus {
  return new LazyStatus(code, details, () => Metadata());
}

function httpStatusCode(http: number): Status {
  switch (http) {
    case 400:
      return Status.INTERNAL;
    case 401:
      return Status.UNAUTHENTICATED;
    case 403:
      return Status.PERMISSION_DENIED;
    case 404:
      return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Status.UNAVAILABLE;
    default:
      return Status.UNKNOWN;
  }
}

/** @internal A non-200 response's status, or undefined for a gRPC response. */
export function httpStatus(headers: IncomingHttpHeaders & IncomingHttpStatusHeader): CallStatus | undefined {
  const http = Number(headers[":status"]);
  if (http === 200) return undefined;
  return bareStatus(httpStatusCode(http), `Received HTTP status code ${http}`);
}

/** @internal The status trailers carry; undefined when they carry none. */
export function trailerStatus(trailers: IncomingHttpHeaders): CallStatus | undefined {
  const raw = trailers["grpc-status"];
  if (raw === undefined) return undefined;
  const code = Number(raw);
  const message = trailers["grpc-message"];
  let details = "";
  if (typeof message === "string") {
    try {
      details = decodeURIComponent(message);
    } catch {
      details = message;
    }
  }
  return new LazyStatus(Number.isInteger(code) ? code : Status.UNKNOWN, details, () =>
    headerMetadata(trailers),
  );
}

/**
 * @internal The status of a stream that closed without one: the connection's failure (a stream
 * error caused by it, or the session gone), else its reset code.
 */
export function closedStatus(
  rstCode: number | undefined,
  error: Error | undefined,
  dropped: boolean,
): CallStatus {
  if (error?.cause instanceof Error) {
    return bareStatus(Status.UNAVAILABLE, `No connection established. Last error: ${error.cause.message}`);
  }
  if (dropped) return bareStatus(Status.UNAVAILABLE, "Connection dropped");
  switch (rstCode) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return bareStatus(Status.UNAVAILABLE, "Stream refused by server");
    case constants.NGHTTP2_CANCEL:
      return bareStatus(Status.CANCELLED, "Call cancelled");
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return bareStatus(Status.RESOURCE_EXHAUSTED, "Bandwidth exhausted or memory limit exceeded");
    case constants.NGHTTP2_INADEQUATE_SECURITY:
      return bareStatus(Status.PERMISSION_DENIED, "Protocol not secure enough");
    default:
      return bareStatus(Status.INTERNAL, `Received RST_STREAM with code ${rstCode ?? 0}`);
  }
}
