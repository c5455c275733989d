/**
 * @internal RFC 3339 times with nanoseconds, as Docker's json-file writes them (`…T10:00:00.123456789Z`):
 * the monotonic clock offset to the wall clock, re-anchored whenever the two drift apart by more
 * than a millisecond (a clock step), so times are ordered between steps and cost no Date per line.
 */
export class NanoClock {
  #offset = 0n;

  /** Now, as nanoseconds since the epoch. */
  nowNs(): bigint {
    const mono = process.hrtime.bigint();
    const wall = Date.now();
    let ns = mono + this.#offset;
    const drift = Number(ns / 1_000_000n) - wall;
    if (drift > 1 || drift < -1) {
      this.#offset = BigInt(wall) * 1_000_000n - mono;
      ns = mono + this.#offset;
    }
    return ns;
  }

  /** Now, formatted. */
  now(): string {
    return formatNs(this.nowNs());
  }
}

/** @internal Nanoseconds since the epoch as RFC 3339 with nine fractional digits, UTC. */
export function formatNs(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}
