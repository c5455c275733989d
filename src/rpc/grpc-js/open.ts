/**
 * The grpc-js transport: nice-grpc's client over grpc-js's channel. Loaded only for it (a `tcp://`
 * address, or `transport: "grpc-js"`): grpc-js is most of what importing the SDK would compile.
 *
 * @module
 */

import { type Channel, ChannelCredentials, createChannel, createClientFactory } from "nice-grpc";
import { deadlineMiddleware } from "nice-grpc-client-middleware-deadline";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ResolvedAddress } from "../address.js";
import { callMiddleware } from "../call-middleware.js";
import { acceptEncodedRequests } from "../encoded-message.js";
import { lazyServices, type OpenServices } from "../services.js";
import type { ChannelSecurity } from "../tls.js";
import { MAX_MESSAGE_BYTES } from "../transport.js";

function credentials(security: ChannelSecurity): ChannelCredentials {
  try {
    return ChannelCredentials.createSsl(security.ca, security.key, security.cert);
  } catch (err) {
    throw new InvalidArgumentError(`tls: ${(err as Error).message}`, { field: "tls", cause: err });
  }
}

function channelTo(address: ResolvedAddress, security: ChannelSecurity | undefined): Channel {
  return createChannel(address.target, security && credentials(security), {
    ...(security?.serverName ? { "grpc.ssl_target_name_override": security.serverName } : {}),
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // A unix socket reconnects in microseconds: after a daemon restart, don't sit in grpc-js's
    // default 1 s (growing to 2 min) backoff.
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 2_000,
  });
}

/** @internal containerd's services over a grpc-js channel to `address`. */
export function openGrpcJs(address: ResolvedAddress, security: ChannelSecurity | undefined): OpenServices {
  const channel = channelTo(address, security);
  // The last `use` is outermost: the deadline runs inside the SDK's middleware, which logs and types its error.
  const factory = createClientFactory().use(deadlineMiddleware).use(callMiddleware(address.path));
  return {
    services: lazyServices((definition) => factory.create(acceptEncodedRequests(definition), channel)),
    close: () => channel.close(),
  };
}
