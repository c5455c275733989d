// The floor under any Node gRPC client: one unary call as plain node:http2 requests on one session,
// no channel, filters, retries or interceptors. The bench's RPC-cost account puts it beside grpc-js
// to show how much of a call's client time the transport library adds and how much Node's HTTP/2
// costs anyway. Bench-only: the SDK speaks through nice-grpc.
import { type ClientHttp2Session, connect } from "node:http2";
import { connect as netConnect } from "node:net";

/** A unary caller on one HTTP/2 session over a unix socket; `close()` ends the session. */
export interface H2Unary {
  call(path: string, request: Uint8Array, metadata: Record<string, string>): Promise<Buffer>;
  close(): void;
}

export function h2Unary(socket: string): H2Unary {
  const session: ClientHttp2Session = connect("http://localhost", {
    createConnection: () => netConnect(socket),
  });
  session.on("error", () => {}); // a failed call rejects on its stream
  return {
    call(path, request, metadata) {
      return new Promise((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": path,
          "content-type": "application/grpc",
          te: "trailers",
          ...metadata,
        });
        const chunks: Buffer[] = [];
        let status: unknown;
        stream.on("response", (headers) => (status = headers["grpc-status"]));
        stream.on("trailers", (trailers) => (status = trailers["grpc-status"] ?? status));
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          if (status !== "0") return reject(new Error(`${path}: grpc-status ${String(status)}`));
          // One length-prefixed message: a flag byte and a 4-byte length, then the message.
          resolve(Buffer.concat(chunks).subarray(5));
        });
        const frame = Buffer.allocUnsafe(5 + request.length);
        frame[0] = 0;
        frame.writeUInt32BE(request.length, 1);
        frame.set(request, 5);
        stream.end(frame);
      });
    },
    close: () => session.close(),
  };
}
