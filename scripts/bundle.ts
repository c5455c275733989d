// Bundles dist's JavaScript: one ESM file per public entry plus shared chunks, instead of ~180
// modules (tsc emits the .d.ts beside it). Loading many small files is most of what a script pays to
// import the SDK, so the gRPC stack every call goes through (nice-grpc-common, abort-controller-x, the
// protobuf wire codec) is bundled too. grpc-js, which only `transport: "grpc-js"` and tcp:// use, is
// bundled into a chunk of its own that the dynamic import of src/rpc/grpc-js/open.ts loads on demand
// (resolving and reading its ~100 CommonJS files cost a script about 40 ms). Those packages stay dependencies: the published .d.ts name their types (`client.raw`).
// The rest stays external, installed and deduplicated as usual: `debug` (users enable namespaces on
// their copy), packages loaded on demand (tar-stream), ESM-only ones. An external dependency that can
// be required is required: importing CommonJS from ESM makes Node lex it (and every file it
// re-exports) for named exports, which costs more than loading it. A dynamic import of one becomes
// a chunk loaded on demand whose `default` is its module.exports, as in Node. A CommonJS build of the
// same split (dist/**/*.cjs, with .d.cts copies of the declarations) serves `require()` and Jest.
//   node --import tsx scripts/bundle.ts
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { type BuildOptions, build, type Plugin, transform } from "esbuild";

const root = dirname(import.meta.dirname);
const resolveFromRoot = createRequire(join(root, "package.json")).resolve;

/** Whether `require(specifier)` from the package gets CommonJS (not an ES module, which Jest cannot require). */
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
 * tiny; @grpc/proto-loader, which grpc-js requires only to serve channelz. The CommonJS build bundles
 * p-limit, which `require()` cannot load under Jest (nor on Node before 22.12).
 */
const EXTERNAL = new Set(["debug", "tar-stream", "p-limit", "@grpc/proto-loader"]);
const EXTERNAL_CJS = new Set([...EXTERNAL].filter((name) => name !== "p-limit"));

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * Bare imports of external packages that can be required become `require` calls; other external
 * imports stay imports; the rest is left to esbuild to bundle.
 */
function requireDependencies(external: Set<string>): Plugin {
  return {
    name: "require-dependencies",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("node:")) return { path: args.path, external: true };
        if (!external.has(packageOf(args.path))) return undefined;
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
}

const common = {
  absWorkingDir: root,
  // logs/daemon-main and testing/watchdog-main: the logging daemon and a test session's watchdog,
  // each started as a process of its own (`node dist/logs/daemon-main.js`).
  entryPoints: [
    "src/index.ts",
    "src/daemon/index.ts",
    "src/testing/index.ts",
    "src/logs/daemon-main.ts",
    "src/testing/watchdog-main.ts",
  ],
  outbase: "src",
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  keepNames: true,
  logLevel: "warning",
} satisfies BuildOptions;

// The ES modules: dist/index.js, dist/daemon/index.js, dist/testing/index.js and their chunks.
await build({
  ...common,
  // The `require` the plugin's modules call, which ESM does not define.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  plugins: [requireDependencies(EXTERNAL)],
});

// The CommonJS build for `require()` and Jest: dist/index.cjs … with chunks/*.cjs. esbuild splits
// only ES modules, so the same split is made as ESM (p-limit bundled), and each file is then turned
// into CommonJS on its own, its imports of other files becoming require() calls of their .cjs: the
// three entries share their chunks (one Client class, one event hub) as the ESM entries do, and a
// chunk loaded on demand (tar-stream) stays a require() made on demand.
const cjs = await build({ ...common, write: false, plugins: [requireDependencies(EXTERNAL_CJS)] });
const relativeJs = /(\b(?:from|import|require)\s*\(?\s*")(\.{1,2}\/[^"]*)\.js(")/g;
const outputs = new Set(cjs.outputFiles.map((f) => f.path));
for (const file of cjs.outputFiles) {
  const esm = file.text.replace(relativeJs, (_m, head: string, path: string, tail: string) => {
    if (!outputs.has(join(dirname(file.path), `${path}.js`))) {
      throw new Error(`${relative(root, file.path)} imports ${path}.js, which the build did not emit`);
    }
    return `${head}${path}.cjs${tail}`;
  });
  // import() of a chunk becomes a require() in a promise: Jest cannot import() without
  // --experimental-vm-modules, and Node's import() of CommonJS would not honour `__esModule`.
  const { code } = await transform(esm, {
    format: "cjs",
    target: "node22",
    loader: "js",
    supported: { "dynamic-import": false },
  });
  if (/\bimport\s*\(\s*["'`]/.test(code))
    throw new Error(`${relative(root, file.path)}: import() in CommonJS`);
  if (/\bimport\.meta\b/.test(code)) throw new Error(`${relative(root, file.path)}: import.meta in CommonJS`);
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path.replace(/\.js$/, ".cjs"), code);
}

// Types for require(): a .d.cts beside every .d.ts tsc emitted, its relative imports naming .cjs
// files, so a CommonJS TypeScript consumer (module node16, nodenext, commonjs) resolves a CommonJS
// world of types (a .d.cts re-exporting the ESM .d.ts would be an error under node16).
const relativeDts = /(\b(?:from|import)\s*\(?\s*")(\.{1,2}\/[^"]*)\.js(")/g;
for (const entry of await readdir(join(root, "dist"), { recursive: true })) {
  if (!entry.endsWith(".d.ts")) continue;
  const file = join(root, "dist", entry);
  const text = await readFile(file, "utf8");
  await writeFile(file.replace(/\.d\.ts$/, ".d.cts"), text.replace(relativeDts, "$1$2.cjs$3"));
}
