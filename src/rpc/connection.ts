import { type ResolvedAddress, resolveAddress } from "./address.js";
import { openLean } from "./lean/open.js";
import type { OpenServices, RawServices } from "./services.js";
import { channelSecurity, type TlsOptions } from "./tls.js";
import type { Transport } from "./transport.js";

/** @internal What every namespace view of one Client shares: the channel and its service stubs. */
export class Connection {
  readonly address: ResolvedAddress;
  readonly services: RawServices;
  readonly #open: OpenServices;
  #closed = false;

  private constructor(address: ResolvedAddress, open: OpenServices) {
    this.address = address;
    this.#open = open;
    this.services = open.services;
  }

  /**
   * A connection to `address` (nothing is dialled until the first call). TLS options are checked
   * here; grpc-js is loaded only when the transport or a `tcp://` address needs it.
   */
  static async open(
    address: string | undefined,
    tls?: TlsOptions,
    transport: Transport = "http2",
  ): Promise<Connection> {
    const resolved = resolveAddress(address);
    const security = channelSecurity(resolved, tls);
    if (transport === "http2" && !resolved.remote) return new Connection(resolved, openLean(resolved));
    const { openGrpcJs } = await import("./grpc-js/open.js");
    return new Connection(resolved, openGrpcJs(resolved, security));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the channel, once; pending calls then fail UNAVAILABLE. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open.close();
  }
}
