import { randomBytes } from "node:crypto";
import type { RawServices } from "../rpc/services.js";
import { quoteFilterValue } from "./filters.js";

const FIRST_RETRY_MS = 25;
const MAX_RETRY_MS = 1_000;

/**
 * @internal Proves a Subscribe stream is live on the server. Subscribe sends nothing until an
 * event matches, so the hub publishes a marker on a topic of its own until the marker comes back;
 * an exit published after that is certain to reach the stream.
 */
export class SyncMarker {
  readonly topic = `/containerd-sdk/sync/${randomBytes(8).toString("hex")}`;
  /** The filter that lets the marker through. */
  readonly filter = `topic==${quoteFilterValue(this.topic)}`;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  /**
   * Publishes now and again with backoff until `stop()`: a marker published before the server
   * registered the subscription is lost, not queued.
   */
  start(
    services: RawServices,
    namespace: string,
    signal: AbortSignal,
    onError: (err: unknown) => void,
  ): void {
    let delay = FIRST_RETRY_MS;
    const publish = () => {
      if (this.#done) return;
      services.events
        .publish(
          { topic: this.topic, event: { typeUrl: "google.protobuf.Empty", value: new Uint8Array() } },
          { namespace, signal },
        )
        .catch((err: unknown) => {
          if (!this.#done) onError(err);
        });
      this.#timer = setTimeout(publish, delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    };
    publish();
  }

  /** Ends the retries; idempotent. */
  stop(): void {
    this.#done = true;
    clearTimeout(this.#timer);
  }
}
