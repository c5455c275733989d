import type { ResolvedAddress } from "../address.js";
import { callMiddleware } from "../call-middleware.js";
import { H2Channel } from "../h2/channel.js";
import { lazyServices, type OpenServices } from "../services.js";
import { MAX_MESSAGE_BYTES } from "../transport.js";
import { createLeanClientFactory } from "./create-client-factory.js";
import type { ServiceDefinition } from "./method.js";

/** @internal containerd's services over the lean `node:http2` channel to the unix socket at `address`. */
export function openLean(address: ResolvedAddress): OpenServices {
  const channel = new H2Channel(address.path, { maxMessageBytes: MAX_MESSAGE_BYTES });
  const factory = createLeanClientFactory(callMiddleware(address.path));
  return {
    services: lazyServices((definition) =>
      factory.create(definition as unknown as ServiceDefinition, channel),
    ),
    close: () => channel.close(),
  };
}
