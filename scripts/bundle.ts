// Bundles dist's JavaScript: one ESM file per public entry plus shared chunks, instead of ~180
// modules (tsc emits the .d.ts beside it). Loading many small files is most of what a script pays to
// import the SDK, so the gRPC stack every call goes through (grpc-js, nice-grpc and their helpers, the
// protobuf wire codec) is bundled too: resolving and reading its ~100 CommonJS files cost a script
// about 40 ms. Those packages stay dependencies: the published .d.ts name their types (`client.raw`).
// The rest stays external, installed and deduplicated as usual: `debug` (users enable namespaces on
// their copy), packages loaded on demand (tar-stream), ESM-only ones. An external dependency that can
// be required is required: importing CommonJS from ESM makes Node lex it (and every file it
// re-exports) for named exports, which costs more than loading it. A dynamic import of one becomes
// a chunk loaded on demand whose `default` is its module.exports, as in Node.
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

/**
 * Packages that stay external (everything else the SDK imports is bundled): `debug`, whose
 * namespaces users enable on their own copy; tar-stream, loaded on demand; p-limit, ESM-only and
 * tiny; @grpc/proto-loader, which grpc-js requires only to serve channelz.
 */
const EXTERNAL = new Set(["debug", "tar-stream", "p-limit", "@grpc/proto-loader"]);

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * Bare imports of external packages that can be required become `require` calls; other external
 * imports stay imports; the rest is left to esbuild to bundle.
 */
const requireDependencies: Plugin = {
  name: "require-dependencies",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      if (!EXTERNAL.has(packageOf(args.path))) return undefined;
      if (args.kind === "require-call" || !requirable(args.path)) {
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
  // logs/daemon-main: the logging daemon clients start as its own process (`node dist/logs/daemon-main.js`).
  entryPoints: ["src/index.ts", "src/daemon/index.ts", "src/testing/index.ts", "src/logs/daemon-main.ts"],
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
