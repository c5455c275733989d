import createDebug from "debug";
import { backoffDelay } from "../base/backoff.js";
import { DeadlineExceededError, UnavailableError } from "../errors/index.js";
import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import type { RawServices } from "../rpc/services.js";
import { Subscription, type SubscriptionHooks } from "./subscription.js";

const debug = createDebug("containerd-sdk:events");

/**
 * @internal Where the hub's stream is:
 * - `idle`: no stream, nothing needs one;
 * - `opening`: a Subscribe call is waiting for its marker, no stream is live;
 * - `live`: a stream is live (a second may be opening for a new namespace, overlapping it);
 * - `backing-off`: the stream broke and a retry timer runs;
 * - `closed`: the client closed; final.
 */
export type StreamState = "idle" | "opening" | "live" | "backing-off" | "closed";

/** @internal What the stream reports to the hub. */
export interface StreamOwner {
  /** An event for the SDK's handles, once (duplicates from overlapping streams removed). */
  route(envelope: Envelope): void;
  /** Whether anything (a handle, a waiter) still needs the stream after it broke. */
  needed(): boolean;
  /** A live stream was lost: events may be missed from now on. */
  down(err: unknown): void;
  /** A stream is live again after `down`: what was missed must be reconciled. */
  reconnected(): void;
}

/** What `ready()` takes. */
export interface ReadyOptions {
  signal?: AbortSignal;
  /** Milliseconds before the wait fails with DeadlineExceededError. */
  timeout?: number;
}

interface Waiter {
  namespace: string;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * @internal The hub's Events.Subscribe stream as a small state machine (see {@link StreamState}).
 * It keeps one stream live for every namespace in use, switches to a wider one with an overlap
 * (the old one is drained before it is dropped), and reconnects with capped, jittered backoff.
 */
export class EventStream {
  #state: StreamState = "idle";
  readonly #services: RawServices;
  readonly #owner: StreamOwner;
  readonly #wanted = new Set<string>();
  readonly #waiters = new Set<Waiter>();
  readonly #draining = new Set<Subscription>();
  #current: Subscription | undefined;
  #opening: Subscription | undefined;
  /** Envelopes seen while two streams overlap, to drop the second copy. */
  #seen: Set<string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #lost = false;
  #epoch = 0;
  readonly #hooks: SubscriptionHooks = {
    envelope: (sub, envelope) => this.#onEnvelope(sub, envelope),
    live: (sub) => this.#onLive(sub),
    drained: (sub) => this.#onDrained(sub),
    failed: (sub, err) => this.#onFailed(sub, err),
  };

  constructor(services: RawServices, owner: StreamOwner) {
    this.#services = services;
    this.#owner = owner;
  }

  get state(): StreamState {
    return this.#state;
  }

  /**
   * A token for "the stream covering `namespace` is live now"; undefined when it is not. A fact
   * learned by an RPC may be recorded only if the token is the same before and after the RPC.
   */
  liveToken(namespace: string): number | undefined {
    return this.#state === "live" && this.#current?.covers(namespace) ? this.#epoch : undefined;
  }

  /** Adds a namespace to the stream (switching to a wider one if needed) without waiting. */
  want(namespace: string): void {
    if (this.#state === "closed") return;
    this.#wanted.add(namespace);
    this.#ensure();
  }

  /** Resolves once a live stream carries `namespace`'s task events. */
  ready(namespace: string, options: ReadyOptions = {}): Promise<void> {
    if (this.#state === "closed") {
      return Promise.reject(new UnavailableError("containerd-sdk: the client is closed"));
    }
    if (this.liveToken(namespace) !== undefined) return Promise.resolve();
    const { signal, timeout } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        namespace,
        resolve: () => {
          done();
          resolve();
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      const onAbort = () => waiter.reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(
          () =>
            waiter.reject(
              new DeadlineExceededError(`containerd-sdk: the event stream was not live within ${timeout} ms`),
            ),
          timeout,
        );
      }
      this.#waiters.add(waiter);
      this.want(namespace);
    });
  }

  /** Ends every call, marker and timer, and fails the waiters. Idempotent; final. */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const sub of [this.#current, this.#opening, ...this.#draining]) sub?.abort();
    this.#current = undefined;
    this.#opening = undefined;
    this.#draining.clear();
    this.#seen = undefined;
    this.#rejectWaiters(new UnavailableError("containerd-sdk: the client is closed"), () => true);
  }

  #ensure(): void {
    if (this.#state === "closed" || this.#state === "backing-off") return;
    const coversAll = (sub: Subscription | undefined) =>
      sub !== undefined && [...this.#wanted].every((ns) => sub.covers(ns));
    if (coversAll(this.#opening) || coversAll(this.#current)) return;
    this.#opening?.abort();
    const sub = new Subscription(this.#services, this.#wanted, this.#hooks);
    this.#opening = sub;
    if (this.#current) this.#seen ??= new Set();
    else this.#state = "opening";
    debug("stream %d opening for %o", sub.id, [...sub.namespaces]);
    sub.start();
  }

  #onEnvelope(sub: Subscription, envelope: Envelope): void {
    if (sub !== this.#current && sub !== this.#opening && !this.#draining.has(sub)) return;
    const seen = this.#seen;
    if (seen) {
      // Two streams overlap: each carries an event at most once, so a second copy is the other's.
      const ev = envelope.event;
      const k = `${envelope.namespace}\0${envelope.topic}\0${envelope.timestamp?.getTime()}\0${ev ? Buffer.from(ev.value).toString("base64") : ""}`;
      if (seen.delete(k)) return;
      seen.add(k);
    }
    this.#owner.route(envelope);
  }

  #onLive(sub: Subscription): void {
    if (sub !== this.#opening) return;
    this.#opening = undefined;
    const old = this.#current;
    this.#current = sub;
    this.#state = "live";
    this.#attempt = 0;
    debug("stream %d live for %o", sub.id, [...sub.namespaces]);
    if (old) {
      // The old stream may still hold queued events: drop it only once a marker says it is empty.
      this.#draining.add(old);
      old.drain();
    }
    for (const waiter of [...this.#waiters]) if (sub.covers(waiter.namespace)) waiter.resolve();
    if (this.#lost) {
      this.#lost = false;
      this.#owner.reconnected();
    }
  }

  #onDrained(sub: Subscription): void {
    if (!this.#draining.delete(sub)) return;
    sub.abort();
    debug("stream %d drained and closed", sub.id);
    if (this.#draining.size === 0 && !(this.#current && this.#opening)) this.#seen = undefined;
  }

  #onFailed(sub: Subscription, err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    debug("stream %d failed: %s", sub.id, reason);
    if (this.#draining.delete(sub)) {
      if (this.#draining.size === 0 && !this.#opening) this.#seen = undefined;
      return;
    }
    if (sub === this.#opening && this.#current) {
      // A switch failed; the live stream carries on. Only waiters it cannot serve fail.
      this.#opening = undefined;
      const current = this.#current;
      this.#rejectWaiters(err, (w) => !current.covers(w.namespace));
      return;
    }
    if (sub === this.#current) {
      this.#current = undefined;
      this.#opening?.abort();
      this.#opening = undefined;
      for (const old of this.#draining) old.abort();
      this.#draining.clear();
      this.#seen = undefined;
      this.#epoch++;
      this.#lost = true;
      this.#owner.down(err);
    } else if (sub === this.#opening) {
      this.#opening = undefined;
    } else return;
    this.#rejectWaiters(err, () => true);
    this.#retry();
  }

  #retry(): void {
    if (this.#state === "closed") return;
    if (!this.#owner.needed()) {
      this.#state = "idle";
      this.#lost = false;
      return;
    }
    const delay = backoffDelay(this.#attempt++);
    this.#state = "backing-off";
    debug("resubscribing in %d ms (attempt %d)", delay, this.#attempt);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== "backing-off") return;
      this.#state = "idle";
      this.#ensure();
    }, delay);
  }

  #rejectWaiters(err: unknown, which: (w: Waiter) => boolean): void {
    for (const waiter of [...this.#waiters]) if (which(waiter)) waiter.reject(err);
  }
}
