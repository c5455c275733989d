// Container logs (`newTask({ log })`): throughput and CPU per MiB of a burst of lines, and the memory
// a logging container costs, with Docker's json-file driver beside it when BENCH_DOCKER=1 (a
// private dockerd on the bench's containerd, bench/docker-logs.ts). Figures only.
//   throughput: a container runs `yes <line> | head -c N`; MiB/s over the span between the first
//   and last record's timestamps (the pipeline's own rate, container start left out) and end to end;
//   CPU of the processes that carry the output (SDK: logging daemon, logger, shim; Docker: dockerd,
//   shim) per MiB.
//   memory: N idle containers with logs. SDK: the loggers' PSS and private pages, the daemon's RSS and
//   anonymous memory (one per host, shared by all), the shims' PSS beside null-IO and piped (FIFO)
//   containers; per container = logger PSS + shim growth. Docker: dockerd's Go heap and stacks after
//   a forced GC (and RSS), N containers with json-file against N with `--log-driver none`.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Container, Task } from "containerd-sdk";
import { type Bench, emit, median, note, round } from "./common.js";
import { type Docker, startDocker } from "./docker-logs.js";
import { dockerJsonSpan, dockerMemory } from "./logs-docker.js";
import { anonymous, cpuSeconds, findPids, privateDirty, pss, rss, shimPid } from "./procfs.js";

export interface LogsBenchOptions {
  rounds: number;
  /** MiB each burst writes. */
  mib: number;
  /** Bytes per line, newline included. */
  lineBytes: number;
  /** Idle containers for the memory figures. */
  containers: number;
  docker: boolean;
}

const KiB = 1024;
const MiB = 1024 * 1024;

/** The container command writing `mib` MiB of `lineBytes`-byte lines to stdout. */
export function burstScript(mib: number, lineBytes: number): string {
  return `yes '${"x".repeat(lineBytes - 1)}' | head -c ${mib * MiB}`;
}

interface Burst {
  /** Seconds between the first and last record's timestamps. */
  span: number;
  /** Seconds from start to the last record written. */
  wall: number;
  /** CPU seconds of the processes carrying the output. */
  cpu: number;
}

/** The logger of container `id`: the announced pid whose environment names it. */
async function loggerPid(root: string, id: string): Promise<number> {
  for (const name of await readdir(join(root, ".loggers"))) {
    const env = await readFile(`/proc/${name}/environ`, "utf8").catch(() => "");
    if (env.split("\0").includes(`CONTAINER_ID=${id}`)) return Number(name);
  }
  return 0;
}

const daemonPid = (root: string) =>
  findPids((a) => a.some((s) => s.includes("daemon-main")) && a.includes(root))[0];

async function firstAndLast(c: Container): Promise<[Date, Date]> {
  let first: Date | undefined;
  for await (const entry of c.logs()) {
    first = entry.time;
    break;
  }
  let last: Date | undefined;
  for await (const entry of c.logs({ tail: 1 })) last = entry.time;
  if (!first || !last) throw new Error("logs: no entries");
  return [first, last];
}

async function sdkBurst(bench: Bench, root: string, opts: LogsBenchOptions): Promise<Burst> {
  const args = ["/bin/sh", "-c", burstScript(opts.mib, opts.lineBytes)];
  const c = await bench.client.containers.create(bench.nextId("logs"), { rootfs: bench.rootfs, args });
  try {
    const task = await c.newTask({ log: { maxSize: 2 ** 40, maxFiles: 1 } });
    const daemon = daemonPid(root) ?? 0;
    const logger = await loggerPid(root, c.id);
    const cpu0 = cpuSeconds(daemon) + cpuSeconds(logger);
    const start = performance.now();
    await task.start();
    await task.wait();
    const [first, last] = await firstAndLast(c); // reading syncs: every record is written
    const wall = (performance.now() - start) / 1000;
    const cpu = cpuSeconds(daemon) + cpuSeconds(logger) - cpu0 + cpuSeconds(shimPid(c.id) ?? 0);
    await task.delete();
    return { span: (last.getTime() - first.getTime()) / 1000, wall, cpu };
  } finally {
    await c.delete();
  }
}

async function dockerBurst(docker: Docker, opts: LogsBenchOptions): Promise<Burst> {
  const cpu0 = cpuSeconds(docker.pid);
  const start = performance.now();
  const id = await docker.run(
    "run",
    "-d",
    "--network",
    "none",
    "busybox:latest",
    "sh",
    "-c",
    burstScript(opts.mib, opts.lineBytes),
  );
  try {
    await docker.run("wait", id);
    const wall = (performance.now() - start) / 1000;
    const cpu = cpuSeconds(docker.pid) - cpu0 + cpuSeconds(shimPid(id) ?? 0);
    return { span: await dockerJsonSpan(docker, id), wall, cpu };
  } finally {
    await docker.run("rm", "-f", id);
  }
}

function emitBursts(impl: string, opts: LogsBenchOptions, runs: Burst[]): void {
  const span = median(runs.map((r) => r.span));
  const wall = median(runs.map((r) => r.wall));
  emit({
    workload: "logs-throughput",
    impl,
    mib: opts.mib,
    line_bytes: opts.lineBytes,
    rounds: runs.length,
    mib_per_s: round(opts.mib / span),
    mib_per_s_each: runs.map((r) => round(opts.mib / r.span)),
    end_to_end_mib_per_s: round(opts.mib / wall),
    cpu_ms_per_mib: round((median(runs.map((r) => r.cpu)) * 1000) / opts.mib),
  });
}

type IdleMode = "log" | "null-io" | "fifo";

/** `n` idle containers with `mode`'s stdio; `measure` runs while they are up, then they are deleted. */
async function withIdle<T>(
  bench: Bench,
  n: number,
  mode: IdleMode,
  measure: (ids: string[]) => T,
): Promise<T> {
  const started: Array<{ c: Container; task: Task }> = [];
  try {
    for (let i = 0; i < n; i++) {
      const args = ["/bin/sleep", "3600"];
      const c = await bench.client.containers.create(bench.nextId("idle"), { rootfs: bench.rootfs, args });
      const task = await c.newTask(mode === "log" ? { log: true } : mode === "fifo" ? { stdio: "pipe" } : {});
      started.push({ c, task });
      task.stdout?.resume();
      task.stderr?.resume();
      await task.start();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return measure(started.map(({ c }) => c.id));
  } finally {
    for (const { c, task } of started) {
      await task.delete({ force: true });
      await c.delete();
    }
  }
}

const shimPss = (ids: string[]) => median(ids.map((id) => pss(shimPid(id) ?? 0)));

/**
 * N idle containers logging with the SDK: the loggers' PSS and private memory, the daemon's, and
 * the shims' PSS beside null-IO and FIFO (piped, as Docker's shim copies) containers.
 */
async function sdkMemory(bench: Bench, root: string, n: number): Promise<void> {
  const logged = await withIdle(bench, n, "log", async () => {
    const loggers = (await readdir(join(root, ".loggers"))).map(Number);
    const daemon = daemonPid(root) ?? 0;
    return {
      loggers: loggers.length,
      pss: median(loggers.map(pss)),
      private: median(loggers.map(privateDirty)),
      daemonRss: rss(daemon),
      daemonAnon: anonymous(daemon),
    };
  });
  const shims = {
    log: await withIdle(bench, n, "log", shimPss),
    null: await withIdle(bench, n, "null-io", shimPss),
    fifo: await withIdle(bench, n, "fifo", shimPss),
  };
  emit({
    workload: "logs-memory",
    impl: "sdk",
    containers: n,
    loggers: logged.loggers,
    logger_pss_kib: round(logged.pss / KiB),
    logger_private_dirty_kib: round(logged.private / KiB),
    daemon_rss_mib: round(logged.daemonRss / MiB),
    daemon_anonymous_mib: round(logged.daemonAnon / MiB),
    shim_pss_kib: round(shims.log / KiB),
    shim_pss_null_io_kib: round(shims.null / KiB),
    shim_pss_fifo_kib: round(shims.fifo / KiB),
    per_container_kib: round((logged.pss + (shims.log - shims.null)) / KiB),
  });
}

export async function logsWorkload(bench: Bench, opts: LogsBenchOptions): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "bench-logs-"));
  process.env.CONTAINERD_SDK_LOG_DIR = root;
  // The daemon as users run it (built, plain node), not through tsx, when `npm run build` has run.
  const built = fileURLToPath(new URL("../dist/logs/daemon-main.js", import.meta.url));
  if (existsSync(built)) process.env.CONTAINERD_SDK_LOG_DAEMON = built;
  else
    note(
      "logs: dist/ not built; the logging daemon runs through tsx (npm run build first for its real figures)",
    );
  let docker: Docker | undefined;
  try {
    docker = opts.docker ? await startDocker(bench) : undefined;
    note(`logs: warm-up`);
    await sdkBurst(bench, root, { ...opts, mib: Math.min(opts.mib, 8) });
    if (docker) await dockerBurst(docker, { ...opts, mib: Math.min(opts.mib, 8) });
    const sdk: Burst[] = [];
    const dock: Burst[] = [];
    for (let r = 1; r <= opts.rounds; r++) {
      note(`logs-throughput: round ${r}/${opts.rounds}`);
      sdk.push(await sdkBurst(bench, root, opts));
      if (docker) dock.push(await dockerBurst(docker, opts));
    }
    emitBursts("sdk", opts, sdk);
    if (docker) emitBursts("docker", opts, dock);
    note(`logs-memory: ${opts.containers} containers`);
    await sdkMemory(bench, root, opts.containers);
    if (docker) await dockerMemory(docker, opts.containers);
  } finally {
    await docker?.stop();
    await rm(root, { recursive: true, force: true });
  }
}
