import { InvalidArgumentError } from "../errors/index.js";

/** @internal Quotes a filter value as a Go string literal, which containerd's filter parser accepts. */
export function quoteFilterValue(value: string): string {
  return JSON.stringify(value);
}

/**
 * @internal Scopes filters to one namespace. Events.Subscribe ignores the namespace header and
 * streams every namespace; `,` is AND and separate filters are OR, so each one gets the clause.
 */
export function scopeFilters(namespace: string, filters: readonly string[]): string[] {
  const clause = `namespace==${quoteFilterValue(namespace)}`;
  return filters.length === 0 ? [clause] : filters.map((f) => `${clause},${f}`);
}

/** A comparison in containerd's filter syntax. */
export type FilterOperator = "==" | "!=" | "~=";

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fieldPath(path: string | readonly string[]): string {
  const parts = typeof path === "string" ? path.split(".") : path;
  if (parts.length === 0 || parts.some((p) => p === "")) {
    throw new InvalidArgumentError(`filters: field path ${JSON.stringify(path)} is empty`, {
      field: "filters",
    });
  }
  return parts.map((p) => (FIELD.test(p) ? p : quoteFilterValue(p))).join(".");
}

/**
 * Builds containerd filter strings with values quoted correctly. Each helper returns one
 * selector; `and(...)` joins selectors (all must match); several filter strings given to
 * `subscribe({ filters })` or `list({ filters })` are OR'd.
 *
 * @example filters.and(filters.topic("/tasks/exit"), filters.field("event.container_id", "==", id))
 */
export const filters = {
  /** `field<op>value`; a path given as an array has each segment quoted as needed (label keys with dots). */
  field(path: string | readonly string[], op: FilterOperator, value: string): string {
    if (op !== "==" && op !== "!=" && op !== "~=") {
      throw new InvalidArgumentError(`filters: unknown operator ${JSON.stringify(op)}`, { field: "filters" });
    }
    return `${fieldPath(path)}${op}${quoteFilterValue(value)}`;
  },
  /** Matches when the field is present. */
  present(path: string | readonly string[]): string {
    return fieldPath(path);
  },
  /** Events on exactly this topic. */
  topic(topic: string): string {
    return filters.field("topic", "==", topic);
  },
  /** Events whose topic matches a (Go RE2) regular expression, e.g. `^/tasks/`. */
  topicMatches(pattern: string | RegExp): string {
    return filters.field("topic", "~=", typeof pattern === "string" ? pattern : pattern.source);
  },
  /** Events of one namespace. */
  namespace(namespace: string): string {
    return filters.field("namespace", "==", namespace);
  },
  /** Task events of one container (`event.container_id`). */
  containerId(id: string): string {
    return filters.field("event.container_id", "==", id);
  },
  /** A label of a container or image record: `labels."key"==value`. */
  label(key: string, value: string): string {
    return filters.field(["labels", key], "==", value);
  },
  /** All of the selectors must match. */
  and(...selectors: string[]): string {
    return selectors.join(",");
  },
};

/**
 * @internal Checks a filter against containerd's grammar, so a malformed one is an
 * InvalidArgumentError before any RPC:
 * `selector ("," selector)*`, `selector := fieldpath [op value]`, `fieldpath := field ("." field)*`,
 * `field := quoted | [A-Za-z][A-Za-z0-9_]*`, `value := quoted | [^\s,]+`, quoted with `"`, `/` or `|`.
 */
export function assertFilter(filter: string): void {
  let i = 0;
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`filters: ${JSON.stringify(filter)}: ${what} at offset ${i}`, {
      field: "filters",
    });
  };
  const skipSpace = () => {
    while (i < filter.length && /\s/.test(filter[i] as string)) i++;
  };
  const quoted = () => {
    const q = filter[i];
    i++;
    while (i < filter.length && filter[i] !== q) i += filter[i] === "\\" ? 2 : 1;
    if (i >= filter.length) fail("unterminated quote");
    i++;
  };
  const isQuote = (c: string | undefined) => c === '"' || c === "/" || c === "|";
  if (filter === "") return;
  for (;;) {
    skipSpace();
    for (;;) {
      if (isQuote(filter[i])) quoted();
      else {
        const m = /^[A-Za-z][A-Za-z0-9_]*/.exec(filter.slice(i));
        if (!m) fail("expected a field name");
        i += (m as RegExpExecArray)[0].length;
      }
      if (filter[i] !== ".") break;
      i++;
    }
    skipSpace();
    const op = filter.slice(i, i + 2);
    if (op === "==" || op === "!=" || op === "~=") {
      i += 2;
      skipSpace();
      if (isQuote(filter[i])) quoted();
      else {
        const m = /^[^\s,]+/.exec(filter.slice(i));
        if (!m) fail("expected a value");
        i += (m as RegExpExecArray)[0].length;
      }
      skipSpace();
    }
    if (i === filter.length) return;
    if (filter[i] !== ",") fail("expected ',' or the end");
    i++;
  }
}
