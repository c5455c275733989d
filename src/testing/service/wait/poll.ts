import { delay } from "abort-controller-x";

const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 1_000;

/** @internal The pause before try `n + 1` (0-based): doubling from 50 ms, capped at 1 s. */
export function pollDelay(n: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(n, 10));
}

/**
 * @internal Calls `check` until it resolves true, pausing a little longer each time. A throw counts
 * as "not yet" unless `signal` has aborted; the pause is abortable and its timer always cleared.
 */
export async function poll(
  signal: AbortSignal,
  check: (signal: AbortSignal) => Promise<boolean>,
): Promise<void> {
  for (let n = 0; ; n++) {
    signal.throwIfAborted();
    const ok = await check(signal).catch((err: unknown) => {
      if (signal.aborted) throw err;
      return false;
    });
    if (ok) return;
    await delay(signal, pollDelay(n));
  }
}
