import type { Channel } from "nice-grpc";
import { type ResolvedAddress, resolveAddress } from "./address.js";
import { createContainerdChannel, type Transport } from "./channel.js";
import { createServices, type RawServices } from "./services.js";
import { channelSecurity, type TlsOptions } from "./tls.js";

/** @internal What every namespace view of one Client shares: the channel and its service stubs. */
export class Connection {
  readonly address: ResolvedAddress;
  readonly services: RawServices;
  readonly #channel: Channel;
  #closed = false;

  constructor(address: string | undefined, tls?: TlsOptions, transport: Transport = "grpc-js") {
    this.address = resolveAddress(address);
    this.#channel = createContainerdChannel(this.address, channelSecurity(this.address, tls), transport);
    this.services = createServices(this.#channel, this.address.path);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the channel, once; grpc-js then fails pending calls. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.close();
  }
}
