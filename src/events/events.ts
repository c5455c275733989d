import { checkCallOptions, streamOptions } from "../base/call-options.js";
import { InvalidArgumentError, isUnknown } from "../errors/index.js";
import type { RawServices } from "../rpc/services.js";
import { decodeEnvelope } from "./decode.js";
import type { ContainerdEvent } from "./event.js";
import { assertFilter, scopeFilters } from "./filters.js";
import { isSdkEvent } from "./private.js";

/** What `client.events.subscribe` takes. */
export interface SubscribeOptions {
  /**
   * containerd filters, several OR'd (build them with `filters.topic(...)`, `filters.and(...)`);
   * a malformed one is an InvalidArgumentError before anything is sent.
   */
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
   * Events as they are published, decoded and typed (switch on `topic`), from a stream of their
   * own. Only the client's namespace unless `allNamespaces`; containerd replays nothing published
   * before the call. The SDK's own synchronisation events never appear.
   */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<ContainerdEvent> {
    options = checkCallOptions(options);
    const given = options.filters ?? [];
    if (!Array.isArray(given)) {
      throw new InvalidArgumentError("filters: must be an array of strings", { field: "filters" });
    }
    for (const f of given) {
      if (typeof f !== "string") {
        throw new InvalidArgumentError("filters: must be an array of strings", { field: "filters" });
      }
      assertFilter(f);
    }
    const filters = options.allNamespaces ? given : scopeFilters(this.#namespace, given);
    return this.#stream(filters, options.signal);
  }

  async *#stream(filters: string[], signal: AbortSignal | undefined): AsyncIterable<ContainerdEvent> {
    const stream = this.#services.events.subscribe({ filters }, streamOptions({ signal }));
    try {
      for await (const envelope of stream) {
        if (isSdkEvent(envelope.namespace, envelope.topic)) continue;
        yield decodeEnvelope(envelope);
      }
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
