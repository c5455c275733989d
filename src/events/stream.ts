import createDebug from "debug";
import { backoffDelay } from "../base/backoff.js";
import { UnavailableError } from "../errors/index.js";
import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import type { RawServices } from "../rpc/services.js";
import { OverlapFilter } from "./overlap.js";
import { type ReadyOptions, ReadyWaiters } from "./ready-waiters.js";
import { Subscription, type SubscriptionHooks } from "./subscription.js";
import type { Timers } from "./timers.js";

export type { ReadyOptions } from "./ready-waiters.js";

const debug = createDebug("containerd-sdk:events");

/**
 * Where the stream is. `reconcile` says a live stream was lost since the last one: once one is
 * live again, what was missed must be reconciled. `attempt` counts failed connections in a row.
 */
type State =
  /** No stream; nothing has needed one since the last was lost. */
  | { kind: "idle" }
  /** A Subscribe call waits for its live marker; no stream is live. */
  | { kind: "connecting"; sub: Subscription; attempt: number; reconcile: boolean }
  /**
   * `sub` is live for its namespaces since subscription `since` went live (switches keep it: they
   * overlap). `next` is a wider subscription opening; `draining` are replaced ones delivering what
   * they still hold; `overlap` drops the copies while more than one runs.
   */
  | {
      kind: "live";
      sub: Subscription;
      since: number;
      next: Subscription | undefined;
      draining: readonly Subscription[];
      overlap: OverlapFilter | undefined;
    }
  /** The last attempt failed; `timer` starts the next one. */
  | { kind: "backoff"; timer: unknown; attempt: number; reconcile: boolean }
  /** The client closed; final. */
  | { kind: "closed" };

type Live = Extract<State, { kind: "live" }>;

/** @internal What the stream reports to the hub. */
export interface StreamOwner {
  /** An event for the SDK's handles, once (copies from overlapping streams removed). */
  route(envelope: Envelope): void;
  /** Whether anything (a handle, a waiter) still needs the stream after it broke. */
  needed(): boolean;
  /** A live stream was lost: events may be missed from now on. */
  down(err: unknown): void;
  /** A stream is live again after `down`: what was missed must be reconciled. */
  reconnected(): void;
}

/**
 * @internal The hub's Events.Subscribe stream as a state machine (its whole state is one
 * {@link State}, changed only by `#enter`). It keeps one stream live for every namespace in use,
 * switches to a wider one with an overlap (the old one is drained before it is dropped), and
 * reconnects with capped, jittered backoff.
 */
export class EventStream {
  #state: State = { kind: "idle" };
  readonly #services: RawServices;
  readonly #timers: Timers;
  readonly #owner: StreamOwner;
  /** Every namespace a handle has used: the stream carries all of them. */
  readonly #wanted = new Set<string>();
  readonly #waiters: ReadyWaiters;
  readonly #hooks: SubscriptionHooks = {
    envelope: (sub, envelope) => this.#onEnvelope(sub, envelope),
    live: (sub) => this.#onLive(sub),
    drained: (sub) => this.#onDrained(sub),
    failed: (sub, err) => this.#onFailed(sub, err),
  };

  constructor(services: RawServices, timers: Timers, owner: StreamOwner) {
    this.#services = services;
    this.#timers = timers;
    this.#owner = owner;
    this.#waiters = new ReadyWaiters(timers);
  }

  /**
   * A token for "the stream covering `namespace` is live now"; undefined when it is not. A fact
   * learned by an RPC may be recorded only if the token is the same before and after the RPC.
   */
  liveToken(namespace: string): number | undefined {
    const s = this.#state;
    return s.kind === "live" && s.sub.covers(namespace) ? s.since : undefined;
  }

  /** Adds a namespace to the stream (switching to a wider one if needed) without waiting. */
  want(namespace: string): void {
    if (this.#state.kind === "closed") return;
    this.#wanted.add(namespace);
    this.#ensure();
  }

  /** Resolves once a live stream carries `namespace`'s task events. */
  ready(namespace: string, options: ReadyOptions = {}): Promise<void> {
    if (this.#state.kind === "closed") {
      return Promise.reject(new UnavailableError("containerd-sdk: the client is closed"));
    }
    if (this.liveToken(namespace) !== undefined) return Promise.resolve();
    const waiting = this.#waiters.wait(namespace, options);
    this.want(namespace);
    return waiting;
  }

  /** Ends every call, marker and timer, and fails the waiters. Idempotent; final. */
  close(): void {
    if (this.#state.kind === "closed") return;
    this.#enter({ kind: "closed" });
    this.#waiters.reject(new UnavailableError("containerd-sdk: the client is closed"));
  }

  /**
   * The one place the state changes. Leaving backoff clears its timer; a subscription the new
   * state no longer holds is aborted; a live state resolves the waiters it serves.
   */
  #enter(next: State): void {
    const prev = this.#state;
    this.#state = next;
    if (prev.kind !== next.kind) debug("stream %s -> %s", prev.kind, next.kind);
    if (prev.kind === "backoff") this.#timers.clearTimeout(prev.timer);
    const kept = new Set(subscriptionsOf(next));
    for (const sub of subscriptionsOf(prev)) if (!kept.has(sub)) sub.abort();
    if (next.kind === "live") this.#waiters.resolve((ns) => next.sub.covers(ns));
  }

  #open(): Subscription {
    const sub = new Subscription(this.#services, this.#timers, this.#wanted, this.#hooks);
    debug("stream %d opening for %o", sub.id, [...sub.namespaces]);
    return sub;
  }

  /** Opens a subscription for every wanted namespace unless one is live or opening. */
  #ensure(): void {
    const s = this.#state;
    const coversAll = (sub: Subscription | undefined) =>
      sub !== undefined && [...this.#wanted].every((ns) => sub.covers(ns));
    if (s.kind === "idle") this.#connect(0, false);
    else if (s.kind === "connecting" && !coversAll(s.sub)) this.#connect(s.attempt, s.reconcile);
    else if (s.kind === "live" && !coversAll(s.sub) && !coversAll(s.next)) {
      const next = this.#open();
      this.#enter({ ...s, next, overlap: s.overlap ?? new OverlapFilter() });
      next.start();
    }
  }

  #connect(attempt: number, reconcile: boolean): void {
    const sub = this.#open();
    this.#enter({ kind: "connecting", sub, attempt, reconcile });
    sub.start();
  }

  #onEnvelope(sub: Subscription, envelope: Envelope): void {
    const s = this.#state;
    if (!subscriptionsOf(s).includes(sub)) return;
    if (s.kind === "live" && s.overlap && !s.overlap.admit(sub.id, envelope)) return;
    this.#owner.route(envelope);
  }

  #onLive(sub: Subscription): void {
    const s = this.#state;
    if (s.kind === "connecting" && sub === s.sub) {
      debug("stream %d live for %o", sub.id, [...sub.namespaces]);
      this.#enter({ kind: "live", sub, since: sub.id, next: undefined, draining: [], overlap: undefined });
      if (s.reconcile) this.#owner.reconnected();
    } else if (s.kind === "live" && sub === s.next) {
      debug("stream %d live for %o; draining stream %d", sub.id, [...sub.namespaces], s.sub.id);
      // The old stream may still hold queued events: drop it only once a marker says it is empty.
      this.#enter({ ...s, sub, next: undefined, draining: [...s.draining, s.sub] });
      s.sub.drain();
    }
  }

  #onDrained(sub: Subscription): void {
    const s = this.#state;
    if (s.kind !== "live" || !s.draining.includes(sub)) return;
    debug("stream %d drained and closed", sub.id);
    this.#dropDraining(s, sub);
  }

  #onFailed(sub: Subscription, err: unknown): void {
    const s = this.#state;
    debug("stream %d failed: %s", sub.id, err instanceof Error ? err.message : String(err));
    if (s.kind === "live" && s.draining.includes(sub)) {
      this.#dropDraining(s, sub);
    } else if (s.kind === "live" && sub === s.next) {
      // A switch failed; the live stream carries on. Only waiters it cannot serve fail.
      this.#enterLive(s, undefined, s.draining);
      this.#waiters.reject(err, (ns) => !s.sub.covers(ns));
    } else if (s.kind === "live" && sub === s.sub) {
      this.#retry(0, true);
      this.#owner.down(err);
      this.#waiters.reject(err);
    } else if (s.kind === "connecting" && sub === s.sub) {
      this.#retry(s.attempt, s.reconcile);
      this.#waiters.reject(err);
    }
  }

  /** A replaced stream is done (drained or failed) and closes. */
  #dropDraining(s: Live, sub: Subscription): void {
    this.#enterLive(
      s,
      s.next,
      s.draining.filter((d) => d !== sub),
    );
  }

  /** Stays live with these other subscriptions; the overlap filter lives as long as they do. */
  #enterLive(s: Live, next: Subscription | undefined, draining: readonly Subscription[]): void {
    const overlapping = next !== undefined || draining.length > 0;
    this.#enter({ ...s, next, draining, overlap: overlapping ? s.overlap : undefined });
  }

  /** No stream is left: backs off before the next attempt, or goes idle if nothing needs one. */
  #retry(attempt: number, reconcile: boolean): void {
    if (!this.#owner.needed()) {
      this.#enter({ kind: "idle" });
      return;
    }
    const delay = backoffDelay(attempt);
    debug("resubscribing in %d ms (attempt %d)", delay, attempt + 1);
    const timer = this.#timers.setTimeout(() => {
      const s = this.#state;
      if (s.kind === "backoff" && s.timer === timer) this.#connect(s.attempt, s.reconcile);
    }, delay);
    this.#enter({ kind: "backoff", timer, attempt: attempt + 1, reconcile });
  }
}

/** The subscriptions a state holds open. */
function subscriptionsOf(s: State): Subscription[] {
  if (s.kind === "connecting") return [s.sub];
  if (s.kind !== "live") return [];
  return s.next ? [s.sub, s.next, ...s.draining] : [s.sub, ...s.draining];
}
