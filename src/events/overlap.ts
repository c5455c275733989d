import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";

const EMPTY = new Uint8Array();

interface Copies {
  payload: Uint8Array;
  /** Copies delivered, by subscription id. */
  bySubscription: Map<number, number>;
}

/**
 * @internal Drops the second copy of an event while two subscriptions overlap (a switch to a wider
 * one while the old one drains): what is published then reaches both.
 *
 * A copy is the same publication, and containerd sends every subscriber the same envelope: same
 * namespace, topic, timestamp, type URL and payload bytes (compared as bytes). A re-publication
 * (a shim re-sending an exit after a daemon restart, containerd publishing one for a dead shim)
 * is a new envelope with its own timestamp and passes; the process record ignores a second exit.
 * Each subscription carries a publication at most once, so for each identity an envelope passes
 * while its subscription has delivered more of them than any other has.
 */
export class OverlapFilter {
  readonly #seen = new Map<string, Copies[]>();

  /** Whether `envelope`, delivered by subscription `subscriptionId`, is not a copy already routed. */
  admit(subscriptionId: number, envelope: Envelope): boolean {
    const { namespace, topic, timestamp, event } = envelope;
    const key = `${namespace}\0${topic}\0${timestamp?.getTime() ?? ""}\0${event?.typeUrl ?? ""}`;
    const payload = event?.value ?? EMPTY;
    const same = this.#seen.get(key) ?? [];
    this.#seen.set(key, same);
    let copies = same.find((c) => Buffer.compare(c.payload, payload) === 0);
    if (!copies) {
      copies = { payload, bySubscription: new Map() };
      same.push(copies);
    }
    const mine = (copies.bySubscription.get(subscriptionId) ?? 0) + 1;
    copies.bySubscription.set(subscriptionId, mine);
    for (const [id, n] of copies.bySubscription) if (id !== subscriptionId && n >= mine) return false;
    return true;
  }
}
