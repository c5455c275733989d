/**
 * How the client speaks gRPC: `"http2"` (the default), calls of the SDK's own over one `node:http2`
 * session, for unix sockets; `"grpc-js"`, grpc-js's channel under nice-grpc's client, which a
 * `tcp://` address (TLS, a gateway) always takes.
 */
export type Transport = "grpc-js" | "http2";

/** @internal containerd's own clients raise gRPC's 4 MiB default: large container and image lists overflow it. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** @internal What both transports say of a call on a closed channel (grpc-js's words). */
export const CHANNEL_CLOSED = "Channel has been shut down";
