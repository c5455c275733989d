import { InvalidArgumentError } from "./errors/index.js";
import type { RawCallOptions } from "./rpc/services.js";

/** The last argument of every method: cancel with `signal`, or give up after `timeout` ms. */
export interface CallOptions {
  /** Aborting rejects the call with an AbortError (abort-controller-x's `isAbortError`). */
  signal?: AbortSignal;
  /** Milliseconds before a unary call fails with DeadlineExceededError. Never applied to streams or waits. */
  timeout?: number;
}

/** @internal Checks `timeout` and turns SDK call options into nice-grpc ones for `namespace`. */
export function rawOptions(options: CallOptions | undefined, namespace?: string): RawCallOptions {
  const timeout = options?.timeout;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) {
    throw new InvalidArgumentError(`timeout: ${timeout} must be a finite number of milliseconds >= 0`, {
      field: "timeout",
    });
  }
  return { signal: options?.signal, deadline: timeout, namespace };
}

/** @internal Like rawOptions, but drops `timeout`: streams and waits run until done or aborted. */
export function streamOptions(options: CallOptions | undefined, namespace?: string): RawCallOptions {
  return { signal: options?.signal, namespace };
}
