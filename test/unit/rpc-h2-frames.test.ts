import assert from "node:assert/strict";
import { constants, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from "node:http2";
import { describe, test } from "node:test";
import { Metadata, Status as status } from "nice-grpc-common";
import { timeoutHeader } from "../../src/rpc/h2/call.js";
import { encodeMessage, FrameError, MessageDecoder } from "../../src/rpc/h2/frames.js";
import { headerMetadata, metadataHeaders } from "../../src/rpc/h2/metadata.js";
import { closedStatus, httpStatus, trailerStatus } from "../../src/rpc/h2/status.js";

const message = (text: string) => Buffer.from(text);
/** Response headers with only `:status`, typed as node:http2 hands them over. */
const head = (code: number) =>
  ({ ":status": code }) as unknown as IncomingHttpHeaders & IncomingHttpStatusHeader;

describe("gRPC messages on an HTTP/2 stream", () => {
  test("an encoded message is a zero flag, a big-endian length and the bytes", () => {
    assert.deepEqual([...encodeMessage(message("hi"))], [0, 0, 0, 0, 2, 104, 105]);
  });

  test("messages split across chunks come out whole and in order", () => {
    const wire = Buffer.concat([
      encodeMessage(message("first")),
      encodeMessage(message("")),
      encodeMessage(message("third")),
    ]);
    const decoder = new MessageDecoder(1024);
    const out: string[] = [];
    for (let i = 0; i < wire.length; i += 3) {
      for (const m of decoder.push(wire.subarray(i, i + 3))) out.push(m.toString());
    }
    assert.deepEqual(out, ["first", "", "third"]);
    assert.equal(decoder.partial, false);
  });

  test("a message begun and not ended leaves the decoder partial", () => {
    const decoder = new MessageDecoder(1024);
    assert.deepEqual(decoder.push(encodeMessage(message("abc")).subarray(0, 6)), []);
    assert.equal(decoder.partial, true);
  });

  test("a message over the limit is RESOURCE_EXHAUSTED before its bytes arrive", () => {
    const decoder = new MessageDecoder(4);
    assert.throws(
      () => decoder.push(encodeMessage(message("too long")).subarray(0, 5)),
      (err: Error) => err instanceof FrameError && err.code === status.RESOURCE_EXHAUSTED,
    );
  });

  test("a compressed message is INTERNAL: no compression is asked for", () => {
    const frame = encodeMessage(message("x"));
    frame[0] = 1;
    assert.throws(
      () => new MessageDecoder(1024).push(frame),
      (err: Error) => err instanceof FrameError && err.code === status.INTERNAL,
    );
  });
});

describe("a call's status from HTTP/2", () => {
  test("trailers give the code, the percent-decoded message and the other keys as metadata", () => {
    const s = trailerStatus({
      "grpc-status": "5",
      "grpc-message": "container%20x%3A%20not%20found",
      "x-k": "v",
    });
    assert.equal(s?.code, status.NOT_FOUND);
    assert.equal(s?.details, "container x: not found");
    assert.deepEqual(s?.metadata.getAll("x-k"), ["v"]);
    assert.equal(s?.metadata.has("grpc-status"), false);
  });

  test("headers without grpc-status carry no status", () => {
    assert.equal(trailerStatus({ "content-type": "application/grpc" }), undefined);
  });

  test("a non-200 response maps as grpc-js maps it", () => {
    assert.equal(httpStatus(head(200)), undefined);
    assert.equal(httpStatus(head(404))?.code, status.UNIMPLEMENTED);
    assert.equal(httpStatus(head(503))?.code, status.UNAVAILABLE);
    assert.equal(httpStatus(head(500))?.code, status.UNKNOWN);
  });

  test("a stream cancelled by a failed connection is UNAVAILABLE naming the cause", () => {
    const err = new Error("The pending stream has been canceled", {
      cause: new Error("connect ENOENT /x.sock"),
    });
    const s = closedStatus(constants.NGHTTP2_CANCEL, err, true);
    assert.equal(s.code, status.UNAVAILABLE);
    assert.match(s.details, /ENOENT \/x\.sock/);
  });

  test("a stream whose session went away is UNAVAILABLE; a reset one maps its code", () => {
    assert.equal(closedStatus(constants.NGHTTP2_CANCEL, undefined, true).code, status.UNAVAILABLE);
    assert.equal(closedStatus(constants.NGHTTP2_CANCEL, undefined, false).code, status.CANCELLED);
    assert.equal(closedStatus(constants.NGHTTP2_REFUSED_STREAM, undefined, false).code, status.UNAVAILABLE);
    assert.equal(closedStatus(constants.NGHTTP2_NO_ERROR, undefined, false).code, status.INTERNAL);
  });
});

describe("metadata as HTTP/2 headers", () => {
  test("text values go as they are, -bin values as base64, repeated -bin values as a list", () => {
    const metadata = Metadata({ "containerd-namespace": "ns", "x-bin": Uint8Array.of(1, 2, 255) });
    metadata.append("x-many-bin", Uint8Array.of(1));
    metadata.append("x-many-bin", Uint8Array.of(2));
    assert.deepEqual(metadataHeaders(metadata), {
      "containerd-namespace": "ns",
      "x-bin": "AQL/",
      "x-many-bin": ["AQ==", "Ag=="],
    });
  });

  test("headers gRPC owns are not the caller's to send", () => {
    assert.deepEqual(metadataHeaders(Metadata({ "content-type": "text/plain", te: "x" })), {});
  });

  test("response headers come back as metadata, -bin values decoded, pseudo-headers left out", () => {
    const metadata = headerMetadata({ ":status": "200", "x-k": "v", "x-bin": "AQL/" });
    assert.equal(metadata.get("x-k"), "v");
    assert.deepEqual([...(metadata.get("x-bin") as Uint8Array)], [1, 2, 255]);
    assert.equal(metadata.has(":status"), false);
  });
});

describe("the grpc-timeout header", () => {
  test("milliseconds while they fit in 8 digits, then coarser units, rounded up", () => {
    assert.equal(timeoutHeader(300), "300m");
    assert.equal(timeoutHeader(0.2), "1m");
    assert.equal(timeoutHeader(1e8), "100000S");
    assert.equal(timeoutHeader(1e12), "16666667M");
    assert.equal(timeoutHeader(1e14), "27777778H");
  });
});
