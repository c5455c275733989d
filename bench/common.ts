// Shared by the workloads: the private daemon, JSON line output, peak RSS, RPC counting and the
// Go comparator. Figures only: nothing here asserts a timing.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "containerd-sdk";
import { type ContainerdInstance, type RpcCounts, rpcDelta, startContainerd } from "containerd-sdk/testing";

/** The SDK's namespace; gocmp hardcodes "gocmp", so the two never see each other's containers. */
export const NAMESPACE = "bench";

/** A non-negative integer from `$name`, else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${raw}: want a non-negative integer`);
  return value;
}

/** Prints one JSON line on stdout: the only output a caller should parse. */
export function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Progress for humans, on stderr so stdout stays JSON lines. */
export function note(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Everything a workload needs: one private daemon and one connected client for the whole run. */
export interface Bench {
  ctr: ContainerdInstance;
  client: Client;
  rootfs: string;
  /** The comparator binary, when `$GOCMP` names one. */
  gocmp: string | undefined;
  /** A container id never used before in this run. */
  nextId(prefix: string): string;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startBench(): Promise<Bench> {
  const ctr = await startContainerd({ namespace: NAMESPACE, metrics: true });
  try {
    const client = await Client.connect({ address: ctr.address, namespace: NAMESPACE, fifoDir: ctr.fifoDir });
    const rootfs = await ctr.rootfs();
    const gocmp = process.env.GOCMP || undefined;
    if (gocmp && !existsSync(gocmp)) throw new Error(`GOCMP=${gocmp}: no such file`);
    let counter = 0;
    return {
      ctr,
      client,
      rootfs,
      gocmp,
      nextId: (prefix) => `${prefix}-${process.pid}-${++counter}`,
      async [Symbol.asyncDispose]() {
        await client.close();
        await ctr.stop();
      },
    };
  } catch (err) {
    await ctr.stop();
    throw err;
  }
}

/** One timed run of one implementation. */
export interface Measure {
  seconds: number;
  /** Operations in the timed part (lifecycles, execs, or 1 for stdout). */
  ops: number;
  /** RPCs the daemon answered per operation, by `Service/Method`. */
  rpcs: Map<string, number>;
  /** Peak resident set of the process doing the work, in bytes. */
  peakRss: number;
  /**
   * CPU seconds (user + system) of the process doing the work. On 2 cores the client's CPU is
   * taken from runc, the shim and containerd, so it shows in everyone's wall time.
   */
  cpu: number;
  /** Bytes read from stdout (stdout workload). */
  bytes?: number;
}

const MiB = 1024 * 1024;

function statusField(pid: number | "self", field: string): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, "m"),
    );
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Times `fn` (the SDK doing `ops` operations in this process) and takes its RPCs, CPU and peak
 * RSS. VmHWM is the kernel's exact peak, and writing 5 to clear_refs resets it to the current RSS
 * so each run gets its own peak; polling memoryUsage().rss covers kernels that refuse the reset.
 * `fn` may return a byte count (stdout).
 */
export async function measureSdk(
  bench: Bench,
  ops: number,
  fn: () => Promise<number | undefined>,
): Promise<Measure> {
  let resettable = true;
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    resettable = false;
  }
  let polled = process.memoryUsage().rss;
  const timer = setInterval(() => {
    polled = Math.max(polled, process.memoryUsage().rss);
  }, 20);
  try {
    const rpcsBefore = await bench.ctr.rpcCounts();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const bytes = await fn();
    const seconds = (performance.now() - start) / 1000;
    const { user, system } = process.cpuUsage(cpuBefore);
    const rpcs = rpcDelta(rpcsBefore, await bench.ctr.rpcCounts());
    polled = Math.max(polled, process.memoryUsage().rss);
    const hwm = resettable ? (statusField("self", "VmHWM") ?? 0) : 0;
    const measure: Measure = {
      seconds,
      ops,
      rpcs: perOp(rpcs, ops),
      peakRss: Math.max(polled, hwm),
      cpu: (user + system) / 1e6,
    };
    if (bytes !== undefined) measure.bytes = bytes;
    return measure;
  } finally {
    clearInterval(timer);
  }
}

/** `counts / ops` with `baseline` (a run doing no operations) taken off first. */
export function perOp(counts: RpcCounts, ops: number, baseline: RpcCounts = new Map()): Map<string, number> {
  const out = new Map<string, number>();
  for (const [method, count] of counts) {
    const net = count - (baseline.get(method) ?? 0);
    // "containerd.services.tasks.v1.Tasks/Start" reads better as "Tasks/Start".
    if (net > 0 && ops > 0) out.set(method.replace(/^.*\./, ""), net / ops);
  }
  return out;
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at a time; rejects on the first failure. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** What one gocmp process printed, plus its peak RSS, CPU and the daemon RPCs it cost. */
interface GoRun {
  line: { seconds: number; bytes?: number };
  peakRss: number;
  cpu: number;
  rpcs: RpcCounts;
}

/**
 * Runs `gocmp SOCKET ROOTFS ...args` and reads its JSON line. Peak RSS and CPU come from GNU
 * time (the child's rusage from wait4) when installed; else RSS is polled and CPU is unknown (NaN).
 */
async function runGo(bench: Bench, args: Array<string | number>): Promise<GoRun> {
  if (!bench.gocmp) throw new Error("GOCMP is not set");
  const dir = await mkdtemp(join(tmpdir(), "bench-gocmp-"));
  const timeFile = join(dir, "time");
  const useTime = existsSync("/usr/bin/time");
  const argv = [bench.gocmp, bench.ctr.address, bench.rootfs, ...args.map(String)];
  const [file, ...rest] = useTime ? ["/usr/bin/time", "-f", "%M %U %S", "-o", timeFile, ...argv] : argv;
  try {
    const before = await bench.ctr.rpcCounts();
    const { stdout, polled } = await new Promise<{ stdout: string; polled: number }>((resolve, reject) => {
      const child = spawn(file as string, rest, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      let polled = 0;
      // Under GNU time this polls `time`, not gocmp: only the fallback needs it.
      const timer = useTime
        ? undefined
        : setInterval(() => {
            if (child.pid) polled = Math.max(polled, statusField(child.pid, "VmHWM") ?? 0);
          }, 20);
      child.stdout.setEncoding("utf8").on("data", (s: string) => {
        out += s;
      });
      child.stderr.setEncoding("utf8").on("data", (s: string) => {
        err += s;
      });
      child.on("error", reject);
      child.on("close", (code) => {
        clearInterval(timer);
        if (code === 0) resolve({ stdout: out, polled });
        else reject(new Error(`gocmp ${args.join(" ")} exited ${code}: ${err.trim().slice(-2000)}`));
      });
    });
    const rpcs = rpcDelta(before, await bench.ctr.rpcCounts());
    const line = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as GoRun["line"];
    if (!useTime) return { line, peakRss: polled, cpu: Number.NaN, rpcs };
    const [kb = Number.NaN, user = Number.NaN, system = Number.NaN] =
      (await readFile(timeFile, "utf8")).trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
    return { line, peakRss: kb * 1024, cpu: user + system, rpcs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const baselines = new Map<string, Promise<GoRun>>();

/**
 * gocmp doing `args`, `ops` operations. `baseline` is the same run with no operations: its RPCs
 * and CPU (process start, connecting, for exec the task around the execs) are taken off, measured
 * once, so what remains is per operation. gocmp times only the operations itself.
 */
export async function measureGo(
  bench: Bench,
  ops: number,
  args: Array<string | number>,
  baselineArgs: Array<string | number>,
): Promise<Measure> {
  const key = baselineArgs.join(" ");
  let baseline = baselines.get(key);
  if (!baseline) {
    baseline = runGo(bench, baselineArgs);
    baselines.set(key, baseline);
  }
  const base = await baseline;
  const run = await runGo(bench, args);
  const measure: Measure = {
    seconds: run.line.seconds,
    ops,
    rpcs: perOp(run.rpcs, ops, base.rpcs),
    peakRss: run.peakRss,
    cpu: Math.max(0, run.cpu - base.cpu),
  };
  if (run.line.bytes !== undefined) measure.bytes = run.line.bytes;
  return measure;
}

/** Open descriptors of this process. */
export function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Entries (per-process FIFO directories) in the daemon's FIFO dir. */
export function fifoDirs(fifoDir: string): number {
  try {
    return readdirSync(fifoDir).length;
  } catch {
    return 0;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median, min and max of a figure over the rounds; NaN values (not measured) are left out. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[], digits = 4): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return {
    median: round(median(finite), digits),
    min: round(Math.min(...finite), digits),
    max: round(Math.max(...finite), digits),
  };
}

/** A spread for a table cell, `median (min–max)` with `digits` decimals; "-" when not measured. */
export function spreadCell(s: Spread | undefined, digits: number): string {
  if (!s || Number.isNaN(s.median)) return "-";
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** Rows as left-aligned columns two spaces apart, for the tables on stderr. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")).join("\n");
}

/** Rounds for printing: figures, not noise digits. */
export function round(value: number, digits = 4): number {
  return Number(value.toPrecision(digits));
}

export const mib = (bytes: number): number => round(bytes / MiB, 4);

/** One workload, done by the SDK in this process and by gocmp in a child. */
export interface Workload {
  /** Names the JSON lines, e.g. `"lifecycle"`, `"lifecycle-c8"`. */
  name: string;
  /** Sizes, printed with every line. */
  params: Record<string, number>;
  /** One untimed run before the rounds: JIT, the event stream, the page cache. */
  warmup?(bench: Bench): Promise<void>;
  sdk(bench: Bench): Promise<Measure>;
  go(bench: Bench): Promise<Measure>;
}
