import { type Channel, createChannel } from "nice-grpc";
import type { ResolvedAddress } from "./address.js";
import { H2Channel } from "./h2/channel.js";
import type { ChannelSecurity } from "./tls.js";

// containerd's own clients raise the 4 MiB default: large container and image lists overflow it.
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * How the client speaks gRPC: `"grpc-js"`, grpc-js's full channel; `"http2"`, a lean channel on
 * `node:http2` with nice-grpc's API unchanged (unix sockets only).
 */
export type Transport = "grpc-js" | "http2";

/**
 * @internal A gRPC channel to containerd (unix socket, or TCP with `security` for TLS) with
 * containerd's message limits. The lean channel serves unix sockets; TCP always takes grpc-js.
 */
export function createContainerdChannel(
  address: ResolvedAddress,
  security: ChannelSecurity | undefined,
  transport: Transport,
): Channel {
  if (transport === "http2" && !address.remote) {
    // nice-grpc hands it to grpc-js's Client as `channelOverride`, which takes any such channel.
    return new H2Channel(address.path, { maxMessageBytes: MAX_MESSAGE_BYTES }) as unknown as Channel;
  }
  return createChannel(address.target, security?.credentials, {
    ...security?.options,
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // A unix socket reconnects in microseconds: after a daemon restart, don't sit in grpc-js's
    // default 1 s (growing to 2 min) backoff.
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 2_000,
  });
}
