import { type Channel, createChannel } from "nice-grpc";
import type { ChannelSecurity } from "./tls.js";

// containerd's own clients raise the 4 MiB default: large container and image lists overflow it.
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * @internal A gRPC channel to containerd (unix socket, or TCP with `security` for TLS) with
 * containerd's message limits.
 */
export function createContainerdChannel(target: string, security?: ChannelSecurity): Channel {
  return createChannel(target, security?.credentials, {
    ...security?.options,
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // A unix socket reconnects in microseconds: after a daemon restart, don't sit in grpc-js's
    // default 1 s (growing to 2 min) backoff.
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 2_000,
  });
}
