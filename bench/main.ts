// Runs every workload and prints JSON lines: one per (workload, implementation) with the median,
// min and max over the rounds (SDK and Go alternate within each round, on one daemon), and with
// $GOCMP a ratio line per workload (SDK / Go; below 1 means the SDK is faster).
//   npm run bench [-- lifecycle exec stdout memory rss exit-latency logs]   (no names: all of them)
//   npm run bench -- explain   (or --explain; only when named): the time of one lifecycle and one
//   exec, phase by phase, client against daemon (bench/explain.ts)
//   npm run bench -- cold-start: whole processes after `npm run build`: bare node, importing the
//   package, a bare nice-grpc Version call, a connect-run-close script, and `ctr run --rm`
//   (bench/cold-start.ts)
// Sizes: BENCH_ROUNDS (5), BENCH_N (20 sequential lifecycles), BENCH_CONC_N (40) at BENCH_CONCURRENCY
// (8), BENCH_C32_N (64 lifecycles at concurrency 32), BENCH_EXEC_N (30), BENCH_EXEC_CONC_N (40 execs,
// 8 in flight), BENCH_STDOUT_MIB (1024), BENCH_HANDLES (1000 live Container handles),
// BENCH_MEM_N (1000 lifecycles before RSS), BENCH_EXPLAIN_CALLS (200 RPCs per layer),
// BENCH_EXPLAIN_OPS (30 lifecycles and 30 execs per round of the CPU-by-layer profile),
// BENCH_RSS_N (1000), BENCH_RSS_CHECKPOINT (100),
// BENCH_RSS_CONCURRENCY (1), BENCH_RSS_PIPE_EVERY (2; 0 = null IO only), BENCH_LATENCY_LIVE (1000),
// BENCH_LATENCY_SEQUENTIAL (100), BENCH_LATENCY_BURST (100), BENCH_LATENCY_GROUPS (10 shims),
// BENCH_LOGS_MIB (128 per burst), BENCH_LOGS_LINE (100-byte lines), BENCH_LOGS_N (20 idle logging
// containers); BENCH_DOCKER=1 runs Docker's json-file beside the SDK's logs (bench/logs.ts).
//   npm run bench -- network (only when named; root, iptables, and docker.io for the comparison):
//   create to first HTTP answer on a published port and teardown, SDK beside Docker, BENCH_NET_N (4)
//   lifecycles of each per round; then `network-teardown`: host counts before and after
//   BENCH_NET_TEARDOWN_N (200) lifecycles with a port, BENCH_NET_TEARDOWN_CONC (4) at a time.
//   npm run bench -- service (only when named; root, docker.io, and the redis image, built by
//   mmdebstrap the first time): a redis from nothing to PING answered and its stop, startService
//   beside testcontainers-node on a private dockerd, alternating; then `service-burst`:
//   BENCH_SERVICE_BURST (20) started at once on each side (bench/service.ts).
// First: it wraps child_process before the SDK keeps a reference to it.
import "./spawn-count.js";
import { availableParallelism } from "node:os";
import { coldStartWorkload } from "./cold-start.js";
import {
  type Bench,
  emit,
  envInt,
  type Measure,
  median,
  mib,
  note,
  round,
  startBench,
  type Workload,
} from "./common.js";
import { execWorkload } from "./exec.js";
import { exitLatencyWorkload } from "./exit-latency.js";
import { explainWorkload } from "./explain.js";
import { lifecycleWorkload } from "./lifecycle.js";
import { logsWorkload } from "./logs.js";
import { memoryWorkload } from "./memory.js";
import { networkTeardownWorkload, networkWorkload } from "./network.js";
import { rssWorkload } from "./rss.js";
import { serviceWorkload } from "./service.js";
import { stdoutWorkload } from "./stdout.js";

const rounds = Math.max(1, envInt("BENCH_ROUNDS", 5));
const concurrency = envInt("BENCH_CONCURRENCY", 8);
const workloads: Workload[] = [
  lifecycleWorkload(envInt("BENCH_N", 20), 1),
  lifecycleWorkload(envInt("BENCH_CONC_N", 40), concurrency),
  lifecycleWorkload(envInt("BENCH_C32_N", 64), 32),
  execWorkload(envInt("BENCH_EXEC_N", 30)),
  execWorkload(envInt("BENCH_EXEC_CONC_N", 40), 8),
  stdoutWorkload(envInt("BENCH_STDOUT_MIB", 1024)),
];
const rss = {
  n: envInt("BENCH_RSS_N", 1000),
  checkpoint: envInt("BENCH_RSS_CHECKPOINT", 100),
  concurrency: Math.max(1, envInt("BENCH_RSS_CONCURRENCY", 1)),
  pipeEvery: envInt("BENCH_RSS_PIPE_EVERY", 2),
};

// `lifecycle` selects every lifecycle variant; no names select everything but explain and the
// network and service workloads (root's iptables, and Docker).
const wanted = process.argv.slice(2).map((w) => (w === "--explain" ? "explain" : w));
const ONLY_NAMED = new Set(["explain", "network", "network-teardown", "service"]);
const selected = (name: string) =>
  (wanted.length === 0 && !ONLY_NAMED.has(name)) ||
  wanted.some((w) => name === w || name.startsWith(`${w}-`));

interface Summary {
  seconds: number;
  rpcsPerOp: number;
  cpu: number;
}

function summarize(workload: Workload, impl: "sdk" | "go", runs: Measure[]): Summary {
  const seconds = median(runs.map((r) => r.seconds));
  const ops = runs[0]?.ops ?? 0;
  const methods = new Map<string, number[]>();
  for (const run of runs) {
    for (const [method, count] of run.rpcs) methods.set(method, [...(methods.get(method) ?? []), count]);
  }
  // A method missing from a run counted 0 there.
  const rpcs = Object.fromEntries(
    [...methods].map(([m, counts]) => [
      m,
      round(median([...counts, ...Array(runs.length - counts.length).fill(0)])),
    ]),
  );
  const rpcsPerOp = round(median(runs.map((r) => [...r.rpcs.values()].reduce((a, b) => a + b, 0))));
  const cpu = median(runs.map((r) => r.cpu));
  const bytes = runs[0]?.bytes;
  emit({
    workload: workload.name,
    impl,
    ...workload.params,
    rounds: runs.length,
    seconds: round(seconds),
    seconds_min: round(Math.min(...runs.map((r) => r.seconds))),
    seconds_max: round(Math.max(...runs.map((r) => r.seconds))),
    seconds_each: runs.map((r) => round(r.seconds)),
    ...(bytes === undefined
      ? {
          ms_per_op: round((seconds * 1000) / ops),
          ms_per_op_min: round((Math.min(...runs.map((r) => r.seconds)) * 1000) / ops),
          ms_per_op_max: round((Math.max(...runs.map((r) => r.seconds)) * 1000) / ops),
        }
      : {
          mib_per_s: round(mib(bytes) / seconds),
          mib_per_s_min: round(mib(bytes) / Math.max(...runs.map((r) => r.seconds))),
          mib_per_s_max: round(mib(bytes) / Math.min(...runs.map((r) => r.seconds))),
        }),
    rpcs_per_op: rpcsPerOp,
    rpcs,
    cpu_ms_per_op: round((cpu * 1000) / ops),
    peak_rss_mib: mib(Math.max(...runs.map((r) => r.peakRss))),
  });
  return { seconds, rpcsPerOp, cpu };
}

async function runWorkload(bench: Bench, workload: Workload): Promise<void> {
  note(`${workload.name} ${JSON.stringify(workload.params)}: warm-up`);
  await workload.warmup?.(bench);
  const sdk: Measure[] = [];
  const go: Measure[] = [];
  // Alternating keeps a noisy neighbour from landing on one implementation only.
  for (let r = 1; r <= rounds; r++) {
    note(`${workload.name}: round ${r}/${rounds} sdk`);
    sdk.push(await workload.sdk(bench));
    if (bench.gocmp) {
      note(`${workload.name}: round ${r}/${rounds} go`);
      go.push(await workload.go(bench));
    }
  }
  const s = summarize(workload, "sdk", sdk);
  if (go.length === 0) return;
  const g = summarize(workload, "go", go);
  emit({
    workload: workload.name,
    ratio: round(s.seconds / g.seconds, 3),
    rpcs_ratio: round(s.rpcsPerOp / g.rpcsPerOp, 3),
    cpu_ratio: round(s.cpu / g.cpu, 3),
  });
}

await using bench = await startBench();
emit({
  bench: "containerd-sdk",
  node: process.version,
  containerd: (await bench.client.version()).version,
  cpus: availableParallelism(),
  rounds,
  gocmp: bench.gocmp ?? null,
});
for (const workload of workloads) {
  if (selected(workload.name)) await runWorkload(bench, workload);
}
if (selected("exit-latency")) {
  const latency = {
    live: envInt("BENCH_LATENCY_LIVE", 1000),
    sequential: envInt("BENCH_LATENCY_SEQUENTIAL", 100),
    burst: envInt("BENCH_LATENCY_BURST", 100),
    groups: Math.max(1, envInt("BENCH_LATENCY_GROUPS", 10)),
  };
  note(`exit-latency ${JSON.stringify(latency)}`);
  await exitLatencyWorkload(bench, latency);
}
if (selected("cold-start")) await coldStartWorkload(bench, { rounds: Math.max(5, rounds) });
if (selected("memory")) {
  const memory = { rounds, handles: envInt("BENCH_HANDLES", 1000), lifecycles: envInt("BENCH_MEM_N", 1000) };
  note(`memory ${JSON.stringify(memory)}`);
  await memoryWorkload(bench, memory);
}
if (selected("explain")) {
  await explainWorkload(bench, {
    rounds,
    rpcCalls: envInt("BENCH_EXPLAIN_CALLS", 200),
    cpuOps: envInt("BENCH_EXPLAIN_OPS", 30),
  });
}
if (selected("network")) {
  const network = { rounds, n: envInt("BENCH_NET_N", 4) };
  note(`network ${JSON.stringify(network)}`);
  await networkWorkload(bench, network);
}
if (selected("network-teardown")) {
  const teardown = {
    n: envInt("BENCH_NET_TEARDOWN_N", 200),
    concurrency: envInt("BENCH_NET_TEARDOWN_CONC", 4),
  };
  await networkTeardownWorkload(bench, teardown);
}
if (selected("service")) {
  const service = { rounds, burst: Math.max(1, envInt("BENCH_SERVICE_BURST", 20)) };
  note(`service ${JSON.stringify(service)}`);
  await serviceWorkload(bench, service);
}
if (selected("logs")) {
  const logs = {
    rounds,
    mib: envInt("BENCH_LOGS_MIB", 128),
    lineBytes: Math.max(2, envInt("BENCH_LOGS_LINE", 100)),
    containers: Math.max(2, envInt("BENCH_LOGS_N", 20)),
    docker: process.env.BENCH_DOCKER === "1",
  };
  note(`logs ${JSON.stringify(logs)}`);
  await logsWorkload(bench, logs);
}
if (selected("rss")) {
  note(`rss ${JSON.stringify(rss)}`);
  await rssWorkload(bench, rss);
}
