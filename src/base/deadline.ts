import { DeadlineExceededError } from "../errors/index.js";
import { invalid } from "./validate.js";

/**
 * @internal Runs `fn` with a signal that aborts when `signal` does or after `timeout` ms; a
 * timeout surfaces as DeadlineExceededError naming `what`. The timer is cleared when `fn` ends.
 */
export async function withDeadline<T>(
  what: string,
  options: { signal?: AbortSignal; timeout?: number } | undefined,
  fn: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const timeout = options?.timeout;
  if (timeout === undefined) return fn(options?.signal);
  if (!(Number.isFinite(timeout) && timeout >= 0)) {
    throw invalid("timeout", timeout, "must be a finite number of milliseconds >= 0");
  }
  const controller = new AbortController();
  const outer = options?.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener("abort", onAbort, { once: true });
  const expired = new DeadlineExceededError(`${what} did not finish within ${timeout} ms`);
  const timer = setTimeout(() => controller.abort(expired), timeout);
  try {
    return await fn(controller.signal);
  } catch (err) {
    if (controller.signal.reason === expired) throw expired;
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onAbort);
  }
}
