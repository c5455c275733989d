/** @internal One `startupTimeout` over a whole start, and the caller's own signal. */
export interface StartupDeadline {
  /** Aborts when the time is up or the caller's signal aborts. */
  readonly signal: AbortSignal;
  /** Whether it was the time that ran out. */
  timedOut(): boolean;
  /** Clears the timer and the listener on the caller's signal. */
  clear(): void;
}

/** @internal A deadline `ms` from now, also aborted by `parent`. */
export function startupDeadline(ms: number, parent: AbortSignal | undefined): StartupDeadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}
