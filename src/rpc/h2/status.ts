/**
 * A call's gRPC status from what HTTP/2 said: the trailers (or a trailers-only response), else the
 * HTTP status, else the stream's reset code or the connection's error, as grpc-js maps them.
 *
 * @module
 */
import { constants, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from "node:http2";
import { Metadata, type StatusObject, status } from "@grpc/grpc-js";

/** @internal A status with no metadata. */
export function bareStatus(code: status, details: string): StatusObject {
  return { code, details, metadata: new Metadata() };
}

function httpStatusCode(http: number): status {
  switch (http) {
    case 400:
      return status.INTERNAL;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return status.UNAVAILABLE;
    default:
      return status.UNKNOWN;
  }
}

/** @internal A non-200 response's status, or undefined for a gRPC response. */
export function httpStatus(
  headers: IncomingHttpHeaders & IncomingHttpStatusHeader,
): StatusObject | undefined {
  const http = Number(headers[":status"]);
  if (http === 200) return undefined;
  return bareStatus(httpStatusCode(http), `Received HTTP status code ${http}`);
}

/** @internal The status trailers carry; undefined when they carry none. */
export function trailerStatus(trailers: IncomingHttpHeaders): StatusObject | undefined {
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
  const metadata = Metadata.fromHttp2Headers(trailers);
  metadata.remove("grpc-status");
  metadata.remove("grpc-message");
  return { code: Number.isInteger(code) ? code : status.UNKNOWN, details, metadata };
}

/**
 * @internal The status of a stream that closed without one: the connection's failure (a stream
 * error caused by it, or the session gone), else its reset code.
 */
export function closedStatus(
  rstCode: number | undefined,
  error: Error | undefined,
  dropped: boolean,
): StatusObject {
  if (error?.cause instanceof Error) {
    return bareStatus(status.UNAVAILABLE, `No connection established. Last error: ${error.cause.message}`);
  }
  if (dropped) return bareStatus(status.UNAVAILABLE, "Connection dropped");
  switch (rstCode) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return bareStatus(status.UNAVAILABLE, "Stream refused by server");
    case constants.NGHTTP2_CANCEL:
      return bareStatus(status.CANCELLED, "Call cancelled");
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return bareStatus(status.RESOURCE_EXHAUSTED, "Bandwidth exhausted or memory limit exceeded");
    case constants.NGHTTP2_INADEQUATE_SECURITY:
      return bareStatus(status.PERMISSION_DENIED, "Protocol not secure enough");
    default:
      return bareStatus(status.INTERNAL, `Received RST_STREAM with code ${rstCode ?? 0}`);
  }
}
