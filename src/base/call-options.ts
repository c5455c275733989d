import { InvalidArgumentError } from "../errors/index.js";

/** The last argument of every method: cancel with `signal`, or give up after `timeout` ms. */
export interface OperationOptions {
  /** Aborting rejects the call with an AbortError (abort-controller-x's `isAbortError`). */
  signal?: AbortSignal;
  /** Milliseconds before a unary call fails with DeadlineExceededError. Never applied to streams or waits. */
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
    throw new InvalidArgumentError(`${field}: expected an options object, got ${describe(options)}`, {
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
    throw new InvalidArgumentError(`signal: expected an AbortSignal, got ${describe(signal)}`, {
      field: "signal",
    });
  }
  if (timeout !== undefined && !(typeof timeout === "number" && Number.isFinite(timeout) && timeout >= 0)) {
    throw new InvalidArgumentError(
      `timeout: ${describe(timeout)} must be a finite number of milliseconds >= 0`,
      { field: "timeout" },
    );
  }
  return checked;
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

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
