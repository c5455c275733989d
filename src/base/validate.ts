/**
 * Input checks shared by the spec builders. Every failure is an InvalidArgumentError
 * whose message starts with the field path, so callers see which option was wrong
 * before any RPC is made.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/index.js";
import { describeKey, describeValue } from "./describe.js";

/**
 * Builds the error for `field` holding `value`: `cwd: "rel" must be an absolute path`. The value is
 * described without running any of the caller's code ({@link describeValue}).
 */
export function invalid(field: string, value: unknown, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(`${field}: ${describeValue(value)} ${problem}`, { field });
}

/** True for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Asserts a string. */
export function checkString(field: string, value: unknown): string {
  if (typeof value !== "string") throw invalid(field, value, "must be a string");
  return value;
}

/** Asserts a boolean. */
export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw invalid(field, value, "must be a boolean");
  return value;
}

/** Asserts an absolute container path (the runtime resolves nothing relative). */
export function checkAbsolutePath(field: string, value: unknown): string {
  const path = checkString(field, value);
  if (!path.startsWith("/")) throw invalid(field, value, "must be an absolute path");
  return path;
}

/** Asserts an array of strings and returns a copy. */
export function checkStringArray(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid(field, value, "must be an array of strings");
  for (const [i, item] of value.entries()) checkString(`${field}[${i}]`, item);
  return [...(value as string[])];
}

/** Asserts an object whose values are all strings and returns a copy. */
export function checkStringRecord(field: string, value: unknown): Record<string, string> {
  if (!isRecord(value)) throw invalid(field, value, "must be an object of strings");
  for (const [key, item] of Object.entries(value)) checkString(`${field}.${describeKey(key)}`, item);
  return { ...(value as Record<string, string>) };
}

/** Asserts a safe integer within `[min, max]`. */
export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw invalid(field, value, "must be an integer");
  }
  if (value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw invalid(field, value, `must be ${range}`);
  }
  return value;
}
