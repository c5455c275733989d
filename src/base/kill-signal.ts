/**
 * Options that name a process signal (SIGTERM …) call it `killSignal`, as Node's child_process does:
 * `signal` is always an AbortSignal in this SDK.
 *
 * @module
 */
import { constants } from "node:os";
import { InvalidArgumentError } from "../errors/index.js";
import { invalid } from "./validate.js";

/**
 * @internal Refuses `options.signal` where a method cannot be aborted, pointing to `killSignal`
 * for the process signal; returns `options.killSignal` checked (a signal name), or `fallback`.
 */
export function checkKillSignal<S extends NodeJS.Signals>(
  options: { killSignal?: S; signal?: never },
  method: string,
  fallback: S,
  allowed?: readonly S[],
): S {
  if (options.signal !== undefined) {
    throw new InvalidArgumentError(
      `signal: ${method} cannot be aborted; the process signal to send is killSignal`,
      { field: "signal" },
    );
  }
  const value: unknown = options.killSignal;
  if (value === undefined) return fallback;
  const known = allowed ?? (Object.keys(constants.signals) as S[]);
  if (typeof value !== "string" || !known.includes(value as S)) {
    throw invalid(
      "killSignal",
      value,
      `must be a signal name (${allowed ? allowed.join(" or ") : "SIGTERM …"})`,
    );
  }
  return value as S;
}
