import { isAbortError } from "abort-controller-x";
import { UnavailableError } from "../errors/index.js";
import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import type { RawServices } from "../rpc/services.js";
import { scopeFilters } from "./filters.js";
import { SyncMarker } from "./sync-marker.js";
import type { Timers } from "./timers.js";

/** @internal What a Subscription reports to the stream that owns it. */
export interface SubscriptionHooks {
  envelope(sub: Subscription, envelope: Envelope): void;
  /** The server has registered the subscription: nothing published from now on is missed. */
  live(sub: Subscription): void;
  /** Everything published before `drain()` was called has been delivered. */
  drained(sub: Subscription): void;
  /** The call failed or ended; called once, never after `abort()`. */
  failed(sub: Subscription, err: unknown): void;
}

let nextId = 0;

/**
 * @internal One Events.Subscribe call for a fixed set of namespaces (task topics only) plus its
 * sync markers. It knows nothing of reconnecting; the EventStream decides that.
 */
export class Subscription {
  readonly id = ++nextId;
  readonly namespaces: ReadonlySet<string>;
  #live = false;
  #ended = false;
  readonly #controller = new AbortController();
  readonly #marker: SyncMarker;
  readonly #services: RawServices;
  readonly #hooks: SubscriptionHooks;

  constructor(services: RawServices, timers: Timers, namespaces: Iterable<string>, hooks: SubscriptionHooks) {
    this.#services = services;
    this.#marker = new SyncMarker(timers);
    this.namespaces = new Set(namespaces);
    this.#hooks = hooks;
  }

  /** The filters sent: each namespace's task events, and this subscription's markers. */
  get filters(): string[] {
    return [
      ...[...this.namespaces].flatMap((ns) =>
        scopeFilters(ns, ['topic~="^/tasks/"', 'topic=="/containers/delete"']),
      ),
      this.#marker.filter,
    ];
  }

  covers(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  start(): void {
    void this.#pump();
    this.#marker.start("live", this.#services, this.#controller.signal, (err) => this.#fail(err));
  }

  /** Publishes a drain marker; `drained` follows once it comes back. */
  drain(): void {
    if (this.#ended) return;
    this.#marker.start("drain", this.#services, this.#controller.signal, (err) => this.#fail(err));
  }

  /** Cancels the call and the markers; no hook runs afterwards. Idempotent. */
  abort(): void {
    this.#ended = true;
    this.#marker.stop();
    this.#controller.abort();
  }

  async #pump(): Promise<void> {
    try {
      const envelopes = this.#services.events.subscribe(
        { filters: this.filters },
        { signal: this.#controller.signal },
      );
      for await (const envelope of envelopes) {
        if (this.#ended) return;
        if (envelope.topic === this.#marker.topic("live")) {
          this.#marker.done("live");
          if (!this.#live) {
            this.#live = true;
            this.#hooks.live(this);
          }
        } else if (envelope.topic === this.#marker.topic("drain")) {
          this.#marker.done("drain");
          this.#hooks.drained(this);
        } else {
          this.#hooks.envelope(this, envelope);
        }
      }
      this.#fail(new UnavailableError("containerd-sdk: containerd ended the event stream"));
    } catch (err) {
      this.#fail(err);
    }
  }

  #fail(err: unknown): void {
    if (this.#ended) return;
    if (this.#controller.signal.aborted && isAbortError(err)) return;
    this.abort();
    this.#hooks.failed(this, err);
  }
}
