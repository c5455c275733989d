import { InvalidArgumentError } from "../errors/index.js";

/** A TOML value this renderer writes: scalars, arrays of scalars, and tables. */
export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };

/** containerd's config as an object: `{ version: 2, grpc: { address: "/run/x.sock" } }`. */
export type ContainerdConfig = { [key: string]: TomlValue };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

const key = (k: string): string => (BARE_KEY.test(k) ? k : JSON.stringify(k));

function isTable(value: TomlValue): value is { [key: string]: TomlValue } {
  return typeof value === "object" && !Array.isArray(value);
}

function scalar(value: TomlValue, path: string): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new InvalidArgumentError(`config.${path} must be finite`, { field: `config.${path}` });
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => scalar(v, `${path}[${i}]`)).join(", ")}]`;
  throw new InvalidArgumentError(`config.${path}: tables inside arrays are not supported`, {
    field: `config.${path}`,
  });
}

/** @internal Renders `config` as TOML: a table's plain keys first, then its sub-tables as `[a.b]`. */
export function renderToml(config: ContainerdConfig, prefix: string[] = []): string {
  const lines: string[] = [];
  const tables: Array<[string, { [key: string]: TomlValue }]> = [];
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    if (isTable(v)) tables.push([k, v]);
    else lines.push(`${key(k)} = ${scalar(v, [...prefix, k].join("."))}`);
  }
  let out = lines.length ? `${lines.join("\n")}\n` : "";
  for (const [k, table] of tables) {
    const path = [...prefix, k];
    out += `\n[${path.map(key).join(".")}]\n${renderToml(table, path)}`;
  }
  return out;
}
