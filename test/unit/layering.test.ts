// The layering the README's Layout table writes down: each folder of src/ imports only the folders
// above it in that table (and src/gen), and no file imports in a cycle.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "../..");
const src = join(root, "src");

/** The folders in the README's Layout table, top row first; `(root)` stands for src/'s own files. */
function layerOrder(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Layout"));
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => (m[1] ?? "").replace(/\/$/, ""));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(src, "gen") ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The src/ files `file` imports (static, type-only and dynamic), src/gen left out. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = text.matchAll(
    /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
  );
  const out: string[] = [];
  for (const m of specifiers) {
    const spec = m[1] ?? m[2] ?? "";
    if (!spec.startsWith(".")) continue;
    const base = resolve(dirname(file), spec).replace(/\.js$/, "");
    const target = [`${base}.ts`, join(base, "index.ts")].find((c) => existsSync(c));
    if (target && !relative(src, target).startsWith("gen/")) out.push(target);
  }
  return out;
}

function layerOf(file: string): string {
  const rel = relative(src, file);
  return rel.includes("/") ? (rel.split("/")[0] ?? rel) : "(root)";
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test("the README's Layout table names every folder of src/ once", () => {
  const order = layerOrder();
  assert.equal(new Set(order).size, order.length, "a folder is listed twice");
  const present = [...new Set(files.map(layerOf))].sort();
  assert.deepEqual([...order].sort(), present);
});

test("no folder imports one below it in the Layout table", () => {
  const rank = new Map(layerOrder().map((name, i) => [name, i]));
  const against: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const from = layerOf(file);
      const to = layerOf(target);
      if ((rank.get(to) ?? 0) > (rank.get(from) ?? 0)) {
        against.push(`${relative(src, file)} -> ${relative(src, target)}`);
      }
    }
  }
  assert.deepEqual(against, []);
});

test("no file of src/ imports in a cycle", () => {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(" -> "));
      return;
    }
    state.set(file, "visiting");
    for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, []);
  assert.deepEqual(cycles, []);
});
