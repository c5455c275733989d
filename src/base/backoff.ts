/** @internal First reconnect delay (ms). */
export const FIRST_BACKOFF_MS = 50;
/** @internal Longest reconnect delay (ms). */
export const MAX_BACKOFF_MS = 2_000;

/**
 * @internal Delay before reconnect attempt `attempt` (0-based): exponential, capped, with full
 * jitter so many clients of one restarted daemon do not resubscribe in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
