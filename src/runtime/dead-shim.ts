import { retry } from "abort-controller-x";
import { isUnknown } from "../errors/index.js";

// containerd's own clean-up of a dead shim (running `shim delete`, publishing the exit) takes tens
// of milliseconds unloaded; this bounds the wait on a busy machine.
const ATTEMPTS = 30;
const neverAborted = new AbortController().signal;

/**
 * @internal Whether containerd failed a call because the process's shim connection is closed: the
 * shim died and containerd is cleaning up after it, after which the task is gone (NotFound).
 */
export function isShimGone(err: unknown): boolean {
  return isUnknown(err) && /ttrpc: closed/.test((err as Error).message);
}

/**
 * @internal Runs a delete RPC again while it fails with {@link isShimGone}: right after a shim dies
 * its exit is already published but the task stays registered until containerd's clean-up ends.
 * Backs off from 10 to 200 ms; any other outcome (success, NotFound) returns or rejects at once.
 */
export function retryWhileShimCleansUp<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return retry(signal ?? neverAborted, () => fn(), {
    baseMs: 10,
    maxDelayMs: 200,
    maxAttempts: ATTEMPTS,
    onError(err) {
      if (!isShimGone(err)) throw err;
    },
  });
}
