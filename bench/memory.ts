// Memory beside the Go client, each in a fresh process so neither carries the other workloads:
// live heap per Container handle with N loaded and held, and RSS and live heap after N lifecycles
// (with the same process doing none as the baseline). Alternating rounds on the one daemon.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { type Bench, emit, mib, note, round, type Spread, spread } from "./common.js";

const run = promisify(execFile);
const memoryChild = fileURLToPath(new URL("./memory-child.ts", import.meta.url));

interface ChildLine {
  bytes_per_handle?: number;
  rss?: number;
  heap?: number;
  seconds?: number;
}

/** memory-child.ts and the SDK in one CommonJS file, so the child runs on plain node. */
async function bundle(dir: string): Promise<string> {
  const outfile = join(dir, "memory-child.cjs");
  await build({
    entryPoints: [memoryChild],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    conditions: ["source"],
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

async function child(
  bench: Bench,
  impl: "sdk" | "go",
  mode: string,
  n: number,
  sdkBundle: string,
): Promise<ChildLine> {
  const [file, args] =
    impl === "sdk"
      ? [
          process.execPath,
          ["--expose-gc", sdkBundle, bench.ctr.address, bench.rootfs, bench.ctr.fifoDir, mode, String(n)],
        ]
      : [bench.gocmp as string, [bench.ctr.address, bench.rootfs, mode, String(n)]];
  const { stdout } = await run(file, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as ChildLine;
}

const ratio = (a: Spread, b: Spread) => round(a.median / b.median, 3);

export async function memoryWorkload(
  bench: Bench,
  opts: { rounds: number; handles: number; lifecycles: number },
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-memory-"));
  try {
    await memoryRounds(bench, opts, await bundle(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function memoryRounds(
  bench: Bench,
  opts: { rounds: number; handles: number; lifecycles: number },
  sdkBundle: string,
): Promise<void> {
  const impls = bench.gocmp ? (["sdk", "go"] as const) : (["sdk"] as const);
  const perHandle = { sdk: [] as number[], go: [] as number[] };
  for (let r = 1; r <= opts.rounds; r++) {
    for (const impl of impls) {
      note(`handles: round ${r}/${opts.rounds} ${impl}`);
      perHandle[impl].push(
        (await child(bench, impl, "handles", opts.handles, sdkBundle)).bytes_per_handle ?? Number.NaN,
      );
    }
  }
  const handles = { sdk: spread(perHandle.sdk), go: spread(perHandle.go) };
  for (const impl of impls) {
    emit({
      workload: "handles",
      impl,
      n: opts.handles,
      rounds: opts.rounds,
      bytes_per_handle: handles[impl],
    });
  }
  if (bench.gocmp) emit({ workload: "handles", ratio: ratio(handles.sdk, handles.go) });

  const base = {
    sdk: { rss: [] as number[], heap: [] as number[] },
    go: { rss: [] as number[], heap: [] as number[] },
  };
  const after = {
    sdk: { rss: [] as number[], heap: [] as number[] },
    go: { rss: [] as number[], heap: [] as number[] },
  };
  for (let r = 1; r <= opts.rounds; r++) {
    for (const impl of impls) {
      note(`rss-after: round ${r}/${opts.rounds} ${impl} (baseline, then ${opts.lifecycles} lifecycles)`);
      const zero = await child(bench, impl, "rss", 0, sdkBundle);
      const full = await child(bench, impl, "rss", opts.lifecycles, sdkBundle);
      base[impl].rss.push(zero.rss ?? Number.NaN);
      base[impl].heap.push(zero.heap ?? Number.NaN);
      after[impl].rss.push(full.rss ?? Number.NaN);
      after[impl].heap.push(full.heap ?? Number.NaN);
    }
  }
  const figuresOf = (impl: "sdk" | "go"): Record<string, Spread> => {
    const toMib = (values: number[]) => spread(values.map((v) => mib(v)));
    const growth = (a: number[], b: number[]) => spread(a.map((v, i) => mib(v - (b[i] ?? Number.NaN))));
    return {
      rss_mib: toMib(after[impl].rss),
      heap_mib: toMib(after[impl].heap),
      baseline_rss_mib: toMib(base[impl].rss),
      baseline_heap_mib: toMib(base[impl].heap),
      rss_growth_mib: growth(after[impl].rss, base[impl].rss),
      heap_growth_mib: growth(after[impl].heap, base[impl].heap),
    };
  };
  for (const impl of impls) {
    emit({ workload: "rss-after", impl, n: opts.lifecycles, rounds: opts.rounds, ...figuresOf(impl) });
  }
  if (bench.gocmp) {
    const sdk = figuresOf("sdk");
    const go = figuresOf("go");
    emit({
      workload: "rss-after",
      rss_ratio: ratio(sdk.rss_mib as Spread, go.rss_mib as Spread),
      heap_ratio: ratio(sdk.heap_mib as Spread, go.heap_mib as Spread),
    });
  }
}
