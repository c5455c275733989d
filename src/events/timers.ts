/**
 * @internal The timer functions the event stream, its subscriptions and the router use. Only unit
 * tests pass their own (a virtual clock that counts pending timers); everything else uses
 * {@link realTimers}.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** @internal Node's timers. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
