// Bundles dist's JavaScript: one ESM file per public entry plus shared chunks, instead of ~180
// modules (tsc emits the .d.ts beside it). Loading many small ESM files is most of what a script
// pays to import the SDK. Dependencies stay external (installed and deduplicated as usual), but a
// dependency that can be required is required: importing CommonJS from ESM makes Node lex it (and
// every file it re-exports) for named exports, which costs more than loading it. A dynamic import of
// one becomes a chunk loaded on demand whose `default` is its module.exports, as in Node.
//   node --import tsx scripts/bundle.ts
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build, type Plugin } from "esbuild";

const root = dirname(import.meta.dirname);
const resolveFromRoot = createRequire(join(root, "package.json")).resolve;

/** Whether `require(specifier)` from the package gets CommonJS (not an ES module Node 20 cannot require). */
function requirable(specifier: string): boolean {
  let file: string;
  try {
    file = resolveFromRoot(specifier);
  } catch {
    return false;
  }
  if (file.endsWith(".cjs")) return true;
  if (file.endsWith(".mjs") || !file.endsWith(".js")) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type !== "module";
    } catch {
      // no package.json here: look further up
    }
  }
  return true;
}

/** Bare imports of requirable dependencies become `require` calls; other bare imports stay imports. */
const requireDependencies: Plugin = {
  name: "require-dependencies",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || args.kind === "require-call" || !requirable(args.path)) {
        return { path: args.path, external: true };
      }
      return { path: args.path, namespace: "require" };
    });
    b.onLoad({ filter: /.*/, namespace: "require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ["src/index.ts", "src/daemon/index.ts", "src/testing/index.ts"],
  outbase: "src",
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  keepNames: true,
  // The `require` the plugin's modules call, which ESM does not define.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  plugins: [requireDependencies],
  logLevel: "warning",
});
