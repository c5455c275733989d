/**
 * The timer functions the event stream, its subscriptions and the router use. Only unit tests pass
 * their own (a virtual clock that counts pending timers); everything else uses Node's. Public
 * because the event hub's declaration, which the published types reach, names it.
 */
export interface Timers {
  /** Calls `callback` after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a pending `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** @internal Node's timers. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
