import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { invalid } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";

/** A logging binary the shim starts for stdout and stderr (fd 3 stdout, fd 4 stderr, fd 5 ready). */
export interface LogBinaryOption {
  /** Absolute path of the binary. */
  path: string;
  /** Passed to the binary as the URI's query, `?k=v&…`. */
  args?: Record<string, string>;
}

function assertAbsolute(path: string, field: string): void {
  if (typeof path !== "string" || !isAbsolute(path)) {
    throw invalid(field, path, "must be an absolute path");
  }
}

/**
 * `file:///abs/path`: the shim appends stdout and stderr to that file. The path is percent-encoded
 * (the shim decodes it with Go's `url.Parse`).
 *
 * @throws InvalidArgumentError naming `field` when `path` is not absolute.
 */
export function fileLogUri(path: string, field = "logPath"): string {
  assertAbsolute(path, field);
  return pathToFileURL(path).href;
}

/**
 * `binary:///abs/path?k=v`, the form containerd's `cio.BinaryIO` makes: keys sorted as Go's
 * `url.Values.Encode` does, so the same options always give the same string.
 *
 * @throws InvalidArgumentError naming `field` (or `field.path`, `field.args`) when it is malformed.
 */
export function binaryLogUri(binary: LogBinaryOption, field = "logBinary"): string {
  if (typeof binary !== "object" || binary === null) {
    throw new InvalidArgumentError(`${field} must be { path, args? }`, { field });
  }
  assertAbsolute(binary.path, `${field}.path`);
  const base = `binary:${pathToFileURL(binary.path).href.slice("file:".length)}`;
  const args = binary.args ?? {};
  const entries = Object.entries(args);
  for (const [key, value] of entries) {
    if (key === "" || typeof value !== "string") {
      throw new InvalidArgumentError(`${field}.args must map non-empty keys to strings`, {
        field: `${field}.args`,
      });
    }
  }
  if (entries.length === 0) return base;
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${base}?${new URLSearchParams(entries).toString()}`;
}
