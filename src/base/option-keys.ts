/**
 * Unknown option names, refused at public entry points: a misspelt option (`rootfss`) would
 * otherwise be ignored without a word. Each method's list of names is tied to its options
 * interface at compile time ({@link optionKeys}), so a new option cannot be forgotten.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/index.js";
import { describeKey } from "./describe.js";

type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * @internal `K` when it names every key of `T`; otherwise a type no array satisfies, whose
 * compile error lists the missing names.
 */
export type EveryKeyOf<T, K extends readonly PropertyKey[]> = [Missing<T, K>] extends [never]
  ? K
  : K & { readonly "missing option names": Missing<T, K> };

/**
 * @internal The option names of `T`, checked by the compiler both ways: every name must be a key
 * of `T`, and every key of `T` must be listed.
 *
 * @example
 * ```ts
 * const INFO_KEYS = optionKeys<InfoOptions>()([...OPERATION_OPTION_KEYS, "refresh"]);
 * options = checkOptions(options, INFO_KEYS);
 * ```
 */
export function optionKeys<T>(): <const K extends readonly (keyof T & string)[]>(
  keys: EveryKeyOf<T, K>,
) => K {
  return (keys) => keys as never;
}

/** @internal The names of `OperationOptions`, for spreading into a method's list. */
export const OPERATION_OPTION_KEYS = ["signal", "timeout"] as const;

/**
 * @internal Throws InvalidArgumentError for the first own key of `options` not in `known`:
 * `options.rootfss: unknown option; did you mean rootfs?`. `field` prefixes the name (a nested
 * object passes its own path, e.g. `resources`).
 */
export function checkOptionKeys(options: object, known: readonly string[], field = "options"): void {
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch (cause) {
    throw new InvalidArgumentError(`${field}: its keys cannot be read`, { field, cause });
  }
  for (const key of keys) {
    if (known.includes(key)) continue;
    const path = `${field}.${describeKey(key)}`;
    const near = closest(key, known);
    const hint = near === undefined ? `; known: ${known.join(", ")}` : `; did you mean ${near}?`;
    throw new InvalidArgumentError(`${path}: unknown option${hint}`, { field: path });
  }
}

/** The known name within a small edit of `name` (case ignored), if one is near enough. */
function closest(name: string, known: readonly string[]): string | undefined {
  if (name.length > 40) return undefined;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance - 1;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
