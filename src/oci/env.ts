/**
 * Environment variables as `KEY=value` lists.
 *
 * @module
 */
import { checkString, invalid, isRecord } from "../base/validate.js";

/** The `PATH` containerd gives a container whose image sets none (`defaultUnixEnv`). */
export const DEFAULT_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function keyOf(entry: string): string {
  const at = entry.indexOf("=");
  return at < 0 ? entry : entry.slice(0, at);
}

/**
 * Turns the `env` option into `KEY=value` entries. The array form must have an `=` in
 * every entry; the object form maps keys to string values. Keys may not be empty.
 */
export function normalizeEnv(env: unknown, field = "env"): string[] {
  if (Array.isArray(env)) {
    return env.map((entry, i) => {
      const text = checkString(`${field}[${i}]`, entry);
      if (!text.includes("=")) throw invalid(`${field}[${i}]`, entry, 'must have the form "KEY=value"');
      if (text.startsWith("=")) throw invalid(`${field}[${i}]`, entry, "has an empty name");
      return text;
    });
  }
  if (isRecord(env)) {
    return Object.entries(env).map(([key, value]) => {
      if (key === "" || key.includes("="))
        throw invalid(field, key, 'is not a valid variable name (empty or has "=")');
      return `${key}=${checkString(`${field}.${key}`, value)}`;
    });
  }
  throw invalid(field, env, 'must be an array of "KEY=value" strings or an object of strings');
}

/**
 * `base` with `overrides` applied: an override replaces the entry with the same key in
 * place, otherwise it is appended (containerd's `replaceOrAppendEnvValues`). A key
 * repeated in `overrides` keeps its last value.
 */
export function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const result = [...base];
  const index = new Map<string, number>();
  result.forEach((entry, i) => {
    index.set(keyOf(entry), i);
  });
  for (const entry of overrides) {
    const key = keyOf(entry);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, result.length);
      result.push(entry);
    } else {
      result[at] = entry;
    }
  }
  return result;
}
