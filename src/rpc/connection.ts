import type { Channel } from "nice-grpc";
import { EventHub } from "../events/hub.js";
import { type ResolvedAddress, resolveAddress } from "./address.js";
import { createContainerdChannel } from "./channel.js";
import { createServices, type RawServices } from "./services.js";
import { channelSecurity, type TlsOptions } from "./tls.js";

/** @internal What every namespace view of one Client shares: the channel and its service stubs. */
export class Connection {
  readonly address: ResolvedAddress;
  readonly services: RawServices;
  /** The one event stream every view's handles share. */
  readonly hub: EventHub;
  readonly #channel: Channel;
  #closed = false;

  constructor(address: string | undefined, tls?: TlsOptions) {
    this.address = resolveAddress(address);
    this.#channel = createContainerdChannel(this.address.target, channelSecurity(this.address, tls));
    this.services = createServices(this.#channel, this.address.path);
    this.hub = new EventHub(this.services);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the event stream and closes the channel, once; grpc-js then fails pending calls. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.hub.close();
    this.#channel.close();
  }
}
