import { randomBytes } from "node:crypto";
import type { RawServices } from "../rpc/services.js";
import { quoteFilterValue } from "./filters.js";
import { SDK_NAMESPACE, SDK_TOPIC_PREFIX } from "./private.js";
import type { Timers } from "./timers.js";

const FIRST_RETRY_MS = 25;
const MAX_RETRY_MS = 1_000;

/**
 * @internal Proves a Subscribe stream is live on the server. Subscribe sends nothing until an
 * event matches, so the stream publishes a marker in the SDK's own namespace until it comes back;
 * an event published after that is certain to reach the stream. One marker per purpose: `live`
 * (the stream is registered) and `drain` (everything published before it has been delivered).
 */
export class SyncMarker {
  readonly #base = `${SDK_TOPIC_PREFIX}sync/${randomBytes(8).toString("hex")}/`;
  /** The filter that lets this stream's markers (and nobody else's) through. */
  readonly filter =
    `namespace==${quoteFilterValue(SDK_NAMESPACE)},topic~=${quoteFilterValue(`^${this.#base}`)}`;
  readonly #pending = new Map<string, unknown>();
  readonly #timers: Timers;
  #stopped = false;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** The topic of marker `name`. */
  topic(name: "live" | "drain"): string {
    return `${this.#base}${name}`;
  }

  /**
   * Publishes marker `name` now and again with backoff until `done(name)` or `stop()`: a marker
   * published before the server registered the subscription is lost, not queued.
   */
  start(
    name: "live" | "drain",
    services: RawServices,
    signal: AbortSignal,
    onError: (err: unknown) => void,
  ): void {
    let delay = FIRST_RETRY_MS;
    const topic = this.topic(name);
    const publish = () => {
      if (this.#stopped) return;
      services.events
        .publish(
          { topic, event: { typeUrl: "google.protobuf.Empty", value: new Uint8Array() } },
          { namespace: SDK_NAMESPACE, signal },
        )
        .catch((err: unknown) => {
          if (!this.#stopped && this.#pending.has(name)) onError(err);
        });
      this.#pending.set(name, this.#timers.setTimeout(publish, delay));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    };
    publish();
  }

  /** Marker `name` came back: stop publishing it. */
  done(name: "live" | "drain"): void {
    this.#timers.clearTimeout(this.#pending.get(name));
    this.#pending.delete(name);
  }

  /** Ends every retry; idempotent. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#pending.values()) this.#timers.clearTimeout(timer);
    this.#pending.clear();
  }
}
