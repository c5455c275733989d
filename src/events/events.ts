import { streamOptions } from "../call-options.js";
import { InvalidArgumentError, isUnknown } from "../errors/index.js";
import type { RawServices } from "../rpc/services.js";
import { decodeEnvelope } from "./decode.js";
import type { ContainerdEvent } from "./event.js";
import { scopeFilters } from "./filters.js";

/** What `client.events.subscribe` takes. */
export interface SubscribeOptions {
  /** containerd filters (`topic~="/tasks/"`, `event.container_id==web`); several are OR'd. */
  filters?: string[];
  /** See every namespace, not only the client's. Default false. */
  allNamespaces?: boolean;
  /** Aborting ends the iteration with an AbortError. Leaving a `for await` early also ends it. */
  signal?: AbortSignal;
}

/** containerd's event stream for one namespace view: `client.events`. */
export class Events {
  readonly #services: RawServices;
  readonly #namespace: string;

  /** @internal */
  constructor(services: RawServices, namespace: string) {
    this.#services = services;
    this.#namespace = namespace;
  }

  /**
   * Events as they are published, decoded, from a stream of their own. Only the client's
   * namespace unless `allNamespaces`; containerd replays nothing published before the call.
   */
  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<ContainerdEvent> {
    const given = options.filters ?? [];
    const filters = options.allNamespaces ? given : scopeFilters(this.#namespace, given);
    const stream = this.#services.events.subscribe({ filters }, streamOptions(options));
    try {
      for await (const envelope of stream) yield decodeEnvelope(envelope);
    } catch (err) {
      // containerd reports a bad filter on this stream as UNKNOWN; it is the caller's input.
      if (isUnknown(err) && /failed parsing subscription filters/.test((err as Error).message)) {
        throw new InvalidArgumentError(`filters: ${(err as Error).message}`, {
          field: "filters",
          cause: err,
        });
      }
      throw err;
    }
  }
}
