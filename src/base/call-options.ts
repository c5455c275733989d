import { InvalidArgumentError } from "../errors/index.js";
import { describeValue } from "./describe.js";
import { checkOptionKeys } from "./option-keys.js";

/** The last argument of every method: cancel with `signal`, or give up after `timeout` ms. */
export interface OperationOptions {
  /** Aborting rejects the call with an AbortError (test it with `isAbortError`). */
  signal?: AbortSignal;
  /**
   * Milliseconds before the call fails with DeadlineExceededError. Bounds each unary RPC; waits and
   * streams only where a method says so (README, "Timeouts").
   */
  timeout?: number;
}

/**
 * @internal A method's options argument as an object: `{}` when absent (undefined or null), an
 * InvalidArgumentError naming `field` when it is anything but an object, so a caller's slip never
 * surfaces as a TypeError from inside the SDK.
 */
export function optionsObject<T extends object>(
  options: T | null | undefined,
  field = "options",
): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidArgumentError(`${field}: expected an options object, got ${describeValue(options)}`, {
      field,
    });
  }
  return options;
}

/** @internal Checks `signal` and `timeout` of a method's last argument; see {@link optionsObject}. */
export function checkCallOptions<T extends OperationOptions>(options: T | null | undefined): T {
  const checked = optionsObject(options) as T;
  const { signal, timeout } = checked;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`signal: expected an AbortSignal, got ${describeValue(signal)}`, {
      field: "signal",
    });
  }
  if (timeout !== undefined && !(typeof timeout === "number" && Number.isFinite(timeout) && timeout >= 0)) {
    throw new InvalidArgumentError(
      `timeout: ${describeValue(timeout)} must be a finite number of milliseconds >= 0`,
      { field: "timeout" },
    );
  }
  return checked;
}

/**
 * @internal What a public method does first with its last argument: an object (`{}` when absent),
 * no option outside `known` (see `optionKeys`), and `signal` and `timeout` checked.
 */
export function checkOptions<T extends OperationOptions>(
  options: T | null | undefined,
  known: readonly string[],
): T {
  const checked = optionsObject(options) as T;
  checkOptionKeys(checked, known);
  return checkCallOptions(checked);
}

/** @internal What the raw stubs take (a subset of `RawCallOptions`, kept here so base imports no rpc). */
export interface StubCallOptions {
  signal?: AbortSignal;
  deadline?: number;
  namespace?: string;
}

/** @internal Checks `timeout` and turns SDK call options into nice-grpc ones for `namespace`. */
export function rawOptions(options: OperationOptions | undefined, namespace?: string): StubCallOptions {
  const { signal, timeout } = checkCallOptions(options);
  return { signal, deadline: timeout, namespace };
}

/** @internal Like rawOptions, but drops `timeout`: streams and waits run until done or aborted. */
export function streamOptions(options: OperationOptions | undefined, namespace?: string): StubCallOptions {
  const { signal } = checkCallOptions(options);
  return { signal, namespace };
}
