import { InvalidArgumentError } from "../errors/index.js";

/** containerd's limit (identifiers/validate.go), so ids stay safe as path components. */
export const MAX_IDENTIFIER_LENGTH = 76;

/** containerd's identifier grammar: alphanumeric runs joined by single `.`, `_` or `-`. */
export const IDENTIFIER_PATTERN: RegExp = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

function reject(field: string, problem: string): never {
  throw new InvalidArgumentError(`containerd-sdk: ${field}: ${problem}`, { field });
}

/**
 * Checks an id (container, exec, snapshot key, lease, namespace …) the way containerd's
 * `identifiers.Validate` does, in the same order (empty, too long, pattern), so a bad id fails before
 * any RPC with an {@link InvalidArgumentError} whose `field` names the option.
 */
export function assertIdentifier(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string")
    reject(field, `must be a string, not ${value === null ? "null" : typeof value}`);
  if (value.length === 0) reject(field, "must not be empty");
  // containerd counts bytes; anything non-ASCII fails the pattern below anyway.
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    reject(field, `${value.length} characters is longer than ${MAX_IDENTIFIER_LENGTH}`);
  }
  if (!IDENTIFIER_PATTERN.test(value)) {
    reject(
      field,
      `${JSON.stringify(value)} must match [A-Za-z0-9]+([._-][A-Za-z0-9]+)* (containerd identifier)`,
    );
  }
}
