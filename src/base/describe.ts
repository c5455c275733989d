/**
 * Caller values shown in error messages. Describing a value never throws and never runs the
 * caller's code: no `toString`, `toJSON`, getter or proxy trap is reached, so a hostile object
 * cannot replace the SDK's typed error with its own.
 *
 * @module
 */

const MAX_LENGTH = 60;

function clip(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}

/**
 * @internal A short description of `value` for a message: strings quoted (and clipped), other
 * primitives as written in code, objects only by kind (`an object`, `an array`, `a function`).
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(clip(value));
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return clip(`${value}n`);
    case "symbol":
      // String() of a symbol primitive reads its description; no caller code runs.
      return clip(String(value));
    case "function":
      return "a function";
    default:
      return value === null ? "null" : describeObject(value as object);
  }
}

function describeObject(value: object): string {
  try {
    // Array.isArray throws for a revoked proxy; that is still just an object here.
    return Array.isArray(value) ? "an array" : "an object";
  } catch {
    return "an object";
  }
}

/** @internal An option name for a message: clipped, quoted unless it reads as an identifier. */
export function describeKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? clip(key) : JSON.stringify(clip(key));
}
