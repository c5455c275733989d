// Where the client's CPU goes, by layer: part of the account of the time (bench/explain.ts). A
// sampling profile (node:inspector, in this process) of `n` lifecycles and of `n` execs, each
// sample's self time given to the layer its code belongs to: the SDK's own source, its generated
// codecs and the protobuf wire, nice-grpc, grpc-js, Node's http2, the rest of Node (streams,
// events, buffers, timers), and V8's own (GC, microtasks, "program"). Process CPU per operation is
// measured in an unprofiled run first: the profiler adds its own cost to the sampled total.
import { Session } from "node:inspector/promises";
import { type Bench, emit, formatTable, note, spread, spreadCell } from "./common.js";
import { oneExec, withSleepingTask } from "./exec.js";
import { lifecycle } from "./lifecycle.js";

/** The layers, in print order. */
const LAYERS = [
  "SDK",
  "generated codecs, wire, long",
  "nice-grpc",
  "grpc-js",
  "node http2",
  "node streams, events, buffers, timers",
  "GC",
  "microtasks",
  "V8 (program)",
  "other",
] as const;
type Layer = (typeof LAYERS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function layerOfUrl(url: string): Layer | undefined {
  if (url.includes("/@grpc/grpc-js/")) return "grpc-js";
  if (url.includes("/nice-grpc") || url.includes("/abort-controller-x/")) return "nice-grpc";
  if (url.includes("/src/gen/") || url.includes("/@bufbuild/") || url.includes("/long/")) {
    return "generated codecs, wire, long";
  }
  if (url.includes("/src/")) return "SDK";
  if (url.startsWith("node:internal/http2")) return "node http2";
  if (url.startsWith("node:")) return "node streams, events, buffers, timers";
  return undefined;
}

const V8_FRAMES: Record<string, Layer> = {
  "(garbage collector)": "GC",
  runMicrotasks: "microtasks",
  "(program)": "V8 (program)",
};

/**
 * Self time per layer in µs. A native frame without a script (a builtin such as `request` or
 * `writeBuffer`) goes to the nearest caller that has one. The profiler's own work and idle time are
 * left out.
 */
function layers(profile: Profile): Map<Layer, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const out = new Map<Layer, number>();
  profile.samples.forEach((id, i) => {
    let node = byId.get(id);
    const fn = node?.callFrame.functionName ?? "";
    if (fn === "(idle)" || fn === "dispatch" || fn === "(root)") return;
    let layer = V8_FRAMES[fn];
    while (!layer && node) {
      layer = layerOfUrl(node.callFrame.url);
      node = parent.get(node.id);
    }
    layer ??= "other";
    out.set(layer, (out.get(layer) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return out;
}

/** Process CPU µs per op over `n` ops, unprofiled. */
async function cpuPerOp(n: number, op: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await op();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

/** Self time per layer per op over `n` ops, profiled. */
async function profiled(session: Session, n: number, op: () => Promise<void>): Promise<Map<Layer, number>> {
  await session.post("Profiler.start");
  let profile: Profile;
  try {
    for (let i = 0; i < n; i++) await op();
  } finally {
    ({ profile } = (await session.post("Profiler.stop")) as { profile: Profile });
  }
  return new Map([...layers(profile)].map(([layer, us]) => [layer, us / n]));
}

/** `rounds` rounds of `n` lifecycles and `n` execs: CPU per op unprofiled, then by layer. */
export async function cpuLayers(bench: Bench, rounds: number, n: number): Promise<void> {
  const session = new Session();
  session.connect();
  const figures = new Map<string, Map<string, number[]>>();
  const add = (kind: string, key: string, value: number) => {
    const byKey = figures.get(kind) ?? new Map<string, number[]>();
    figures.set(kind, byKey);
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  };
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await withSleepingTask(bench, async (task) => {
      const ops: Record<string, () => Promise<void>> = {
        lifecycle: () => lifecycle(bench, bench.nextId("cpu")),
        exec: () => oneExec(task, bench.nextId("cpu")),
      };
      for (let r = 0; r <= rounds; r++) {
        note(`explain cpu by layer: round ${r}/${rounds}${r === 0 ? " (warm-up)" : ""}`);
        for (const [kind, op] of Object.entries(ops)) {
          const cpu = await cpuPerOp(n, op);
          const sampled = await profiled(session, n, op);
          if (r === 0) continue;
          add(kind, "process cpu", cpu);
          add(
            kind,
            "sampled",
            [...sampled.values()].reduce((a, b) => a + b, 0),
          );
          for (const layer of LAYERS) add(kind, layer, sampled.get(layer) ?? 0);
        }
      }
    });
  } finally {
    session.disconnect();
  }
  printLayers(figures, rounds, n);
}

function printLayers(figures: Map<string, Map<string, number[]>>, rounds: number, n: number): void {
  const kinds = [...figures.keys()];
  const rows = [["µs per op", ...kinds]];
  for (const key of ["process cpu", "sampled", ...LAYERS]) {
    const cells = kinds.map((kind) => spread(figures.get(kind)?.get(key) ?? []));
    kinds.forEach((kind, i) => {
      emit({ workload: "explain-cpu-layers", kind, part: key, n, rounds, cpu_us: cells[i] });
    });
    rows.push([key === "sampled" ? "sampled (profiler on)" : key, ...cells.map((c) => spreadCell(c, 0))]);
  }
  process.stderr.write(
    `explain: client CPU by layer, ${n} ops per round, median (min–max); process cpu unprofiled\n${formatTable(rows)}\n\n`,
  );
}
