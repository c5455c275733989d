// An account of the time: one lifecycle and one exec, phase by phase, as the SDK spends them and
// (with $GOCMP) as the containerd Go client does, in alternating rounds on the one daemon. For each
// phase: the client's wall time, its RPCs' time as the client sees them, the daemon's time handling
// them (containerd's grpc_server_handling_seconds), the gap (client minus daemon: transport, the
// client's own work, and for the exit the process running and the event's trip), client CPU and
// processes spawned. Then what one RPC costs the SDK's process, layer by layer. Medians with min
// and max; a table on stderr, JSON lines on stdout.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { Container, Process, Task } from "containerd-sdk";
import { createClient, Metadata } from "nice-grpc";
import {
  ContainersDefinition,
  CreateContainerRequest,
} from "../src/gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import { Timestamp } from "../src/gen/google/protobuf/timestamp.js";
import { createContainerdChannel } from "../src/rpc/channel.js";
import { type Bench, emit, NAMESPACE, note, type Spread, spread } from "./common.js";
import { type DaemonTimes, daemonDelta, daemonSeconds, daemonTimes } from "./daemon-time.js";
import { withSleepingTask } from "./exec.js";
import { RpcLog, type RpcTime } from "./rpc-log.js";
import { spawnCount } from "./spawn-count.js";

const run = promisify(execFile);
const wallNow = () => performance.timeOrigin + performance.now();

/** One phase of one round, from either implementation (gocmp prints the same shape). */
export interface Phase {
  impl: "sdk" | "go";
  kind: string;
  round: number;
  phase: string;
  client_ms: number;
  /** Sum of the phase's RPCs as the client timed them. */
  rpc_ms: number;
  daemon_ms: number;
  rpcs: RpcTime[];
  daemon_rpcs: Record<string, number>;
  cpu_ms?: number;
  spawns?: number;
  /** Exit phase: containerd's exit time to the client holding the status. */
  exit_to_seen_ms?: number;
  /** Exit phase (SDK): containerd's exit time to its publishing the event (whole ms: a Date). */
  exit_to_publish_ms?: number;
  /** Exit phase (SDK): containerd's exit time to a raw event stream of the bench's own getting it. */
  exit_to_stream_ms?: number;
}

/**
 * Times the SDK's phases: `lap` closes a phase without reading the metrics (so nothing is added
 * between start and the exit); `end` closes one and then reads them, giving each method's daemon
 * time to the phase whose RPC it was.
 */
class PhaseClock {
  readonly phases: Phase[] = [];
  #open: Phase[] = [];
  #before: DaemonTimes = new Map();
  #started = 0;
  #cpu = process.cpuUsage();
  #spawns = 0;

  constructor(
    readonly bench: Bench,
    readonly log: RpcLog,
    readonly kind: string,
    public round: number,
  ) {}

  async begin(): Promise<void> {
    this.log.take();
    this.#before = await daemonTimes(this.bench);
    this.#restart();
  }

  #restart(): void {
    this.#spawns = spawnCount();
    this.#cpu = process.cpuUsage();
    this.#started = performance.now();
  }

  lap(phase: string): Phase {
    const clientMs = performance.now() - this.#started;
    const cpu = process.cpuUsage(this.#cpu);
    const rpcs = this.log.take();
    const line: Phase = {
      impl: "sdk",
      kind: this.kind,
      round: this.round,
      phase,
      client_ms: clientMs,
      rpc_ms: rpcs.reduce((a, r) => a + r.client_ms, 0),
      daemon_ms: 0,
      rpcs,
      daemon_rpcs: {},
      cpu_ms: (cpu.user + cpu.system) / 1000,
      spawns: spawnCount() - this.#spawns,
    };
    this.#open.push(line);
    this.#restart();
    return line;
  }

  async end(phase: string): Promise<Phase> {
    const line = this.lap(phase);
    const delta = daemonDelta(this.#before, await daemonTimes(this.bench));
    for (const [method, { seconds }] of delta) {
      const owner =
        this.#open.findLast((p) => p.rpcs.some((r) => r.method === method)) ?? (this.#open.at(-1) as Phase);
      owner.daemon_rpcs[method] = seconds * 1000;
      owner.daemon_ms += seconds * 1000;
    }
    this.phases.push(...this.#open);
    this.#open = [];
    return line;
  }
}

/** One exit as containerd reported it, and when a raw event stream of our own got it. */
interface ExitSeen {
  /** The process's exit, in ms since the epoch with containerd's sub-ms precision. */
  exitedAt: number;
  /** The event's publish time, which the shim stamps (a Date: whole ms, so up to 1 ms early). */
  published: number;
  /** When our raw stream (no handle work) had it. */
  received: number;
}

/** Reads TaskExit's container id (1), id (2) and exited_at (5) without rounding the time to a Date. */
function decodeExit(bytes: Uint8Array): { key: string; exitedAt: number } {
  const reader = new BinaryReader(bytes);
  let container = "";
  let id = "";
  let exitedAt = Number.NaN;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) container = reader.string();
    else if (field === 2) id = reader.string();
    else if (field === 5) {
      const ts = Timestamp.decode(reader, reader.uint32());
      exitedAt = ts.seconds.toNumber() * 1000 + ts.nanos / 1e6;
    } else reader.skip(wireType);
  }
  return { key: `${container}/${id}`, exitedAt };
}

/** Every exit, by `<container>/<exec id or container id>`, from a raw stream of our own. */
function watchExits(bench: Bench): { exits: Map<string, ExitSeen>; stop: () => Promise<void> } {
  const exits = new Map<string, ExitSeen>();
  const controller = new AbortController();
  const stream = bench.client.raw.events.subscribe(
    { filters: ['topic=="/tasks/exit"'] },
    { signal: controller.signal },
  );
  const done = (async () => {
    try {
      for await (const envelope of stream) {
        const received = wallNow();
        if (!envelope.event) continue;
        const { key, exitedAt } = decodeExit(envelope.event.value);
        exits.set(key, { exitedAt, published: envelope.timestamp?.getTime() ?? Number.NaN, received });
      }
    } catch {
      // aborted at the end
    }
  })();
  return {
    exits,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** The exit phase's event figures, from containerd's exit time (sub-ms) on. */
function timeExit(phase: Phase, seen: number, exit: ExitSeen | undefined): void {
  if (!exit) return;
  phase.exit_to_seen_ms = seen - exit.exitedAt;
  phase.exit_to_publish_ms = exit.published - exit.exitedAt;
  phase.exit_to_stream_ms = exit.received - exit.exitedAt;
}

async function sdkLifecycle(clock: PhaseClock, exits: Map<string, ExitSeen>, pipe: boolean): Promise<void> {
  const { bench } = clock;
  const id = bench.nextId("explain");
  await clock.begin();
  const c: Container = await bench.client.containers.create(id, {
    rootfs: bench.rootfs,
    args: pipe ? ["/bin/echo", id] : ["/bin/true"],
  });
  await clock.end("create");
  await clock.begin();
  const task = await c.newTask(pipe ? { stdio: "pipe" } : {});
  await clock.end("task create");
  const out = task.stdout?.toArray();
  task.stderr?.resume();
  await clock.begin();
  await task.start();
  clock.lap("start");
  await task.wait();
  const seen = wallNow();
  await out;
  timeExit(await clock.end("exit"), seen, exits.get(`${id}/${id}`));
  await clock.begin();
  await task.delete();
  await clock.end("task delete");
  await clock.begin();
  await c.delete();
  await clock.end("container delete");
}

async function sdkExec(clock: PhaseClock, task: Task, exits: Map<string, ExitSeen>): Promise<void> {
  const execId = `x${clock.round + 2}-${process.pid}`;
  await clock.begin();
  const p: Process = await task.exec(execId, { args: ["/bin/true"] });
  await clock.end("exec");
  await clock.begin();
  await p.start();
  clock.lap("start");
  await p.wait();
  const seen = wallNow();
  timeExit(await clock.end("exit"), seen, exits.get(`${task.id}/${execId}`));
  await clock.begin();
  await p.delete();
  await clock.end("delete");
}

/** gocmp's explain mode: one measured round (after its own two warm-up rounds). */
async function goRound(bench: Bench, kind: "lifecycle" | "exec", r: number): Promise<Phase[]> {
  if (!bench.gocmp || !bench.ctr.metricsAddress) return [];
  const { stdout } = await run(bench.gocmp, [bench.ctr.address, bench.rootfs, `explain-${kind}`, "1"], {
    env: { ...process.env, GOCMP_METRICS: bench.ctr.metricsAddress },
  });
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      // Go prints an empty slice or map as null.
      const phase = JSON.parse(line) as Phase;
      return { ...phase, kind, round: r, rpcs: phase.rpcs ?? [], daemon_rpcs: phase.daemon_rpcs ?? {} };
    });
}

const LONG_POLL = "Tasks/Wait";

const cell = (s: Spread | undefined) =>
  !s || Number.isNaN(s.median) ? "-" : `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

/** Summarizes the rounds by (kind, impl, phase), with a total per (kind, impl); table and JSON. */
function report(all: Phase[]): void {
  // Go's Tasks/Wait goes out before start and returns with the exit: a long poll, not work. It is
  // listed with its phase but not added to the RPC and daemon sums, which would make gaps negative.
  const phases = all.map((p) => {
    const rpcs = p.rpcs.filter((r) => r.method !== LONG_POLL);
    const daemon = Object.entries(p.daemon_rpcs).filter(([m]) => m !== LONG_POLL);
    return {
      ...p,
      rpc_ms: rpcs.reduce((a, r) => a + r.client_ms, 0),
      daemon_ms: daemon.reduce((a, [, ms]) => a + ms, 0),
    };
  });
  const groups = new Map<string, Phase[]>();
  for (const p of phases) {
    const key = `${p.kind}\u0000${p.impl}\u0000${p.phase}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  // Totals: the phases of one round added up, then the median over rounds.
  const totals = new Map<string, Phase[]>();
  for (const p of phases) {
    const key = `${p.kind}\u0000${p.impl}\u0000total\u0000${p.round}`;
    const t = totals.get(key)?.[0];
    if (!t) {
      totals.set(key, [{ ...p, phase: "total", rpcs: [...p.rpcs], daemon_rpcs: {} }]);
      continue;
    }
    t.client_ms += p.client_ms;
    t.rpc_ms += p.rpc_ms;
    t.daemon_ms += p.daemon_ms;
    t.rpcs.push(...p.rpcs);
    if (p.cpu_ms !== undefined) t.cpu_ms = (t.cpu_ms ?? 0) + p.cpu_ms;
    if (p.spawns !== undefined) t.spawns = (t.spawns ?? 0) + p.spawns;
  }
  for (const [key, [t]] of totals) {
    if (!t) continue;
    const groupKey = key.slice(0, key.lastIndexOf("\u0000"));
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), t]);
  }

  const rows: string[][] = [
    [
      "kind",
      "impl",
      "phase",
      "client ms",
      "rpc ms (client)",
      "daemon ms",
      "gap ms",
      "cpu ms",
      "spawns",
      "rpcs",
    ],
  ];
  const order = [...groups.keys()].sort((a, b) => {
    const [ka, ia] = a.split("\u0000");
    const [kb, ib] = b.split("\u0000");
    return (ka ?? "").localeCompare(kb ?? "") || (ib ?? "").localeCompare(ia ?? "");
  });
  for (const key of order) {
    const runs = groups.get(key) ?? [];
    const first = runs[0];
    if (!first) continue;
    const client = spread(runs.map((p) => p.client_ms));
    const rpc = spread(runs.map((p) => p.rpc_ms));
    const daemon = spread(runs.map((p) => p.daemon_ms));
    const gap = spread(runs.map((p) => p.client_ms - p.daemon_ms));
    const cpu = first.cpu_ms === undefined ? undefined : spread(runs.map((p) => p.cpu_ms ?? Number.NaN));
    const spawns = first.spawns === undefined ? undefined : spread(runs.map((p) => p.spawns ?? Number.NaN));
    const methods = [...new Set(runs.flatMap((p) => p.rpcs.map((r) => r.method)))];
    const perMethod = (pick: (p: Phase, m: string) => number | undefined) =>
      Object.fromEntries(
        methods.map((m) => [
          m,
          spread(
            runs.map((p) => pick(p, m) ?? Number.NaN),
            3,
          ).median,
        ]),
      );
    const rpcByMethod = perMethod((p, m) =>
      p.rpcs
        .filter((r) => r.method === m)
        .reduce<number | undefined>((a, r) => (a ?? 0) + r.client_ms, undefined),
    );
    const daemonByMethod = perMethod((p, m) => p.daemon_rpcs[m]);
    const rpcsPerRound = spread(runs.map((p) => p.rpcs.length)).median;
    const exitSeen = spread(runs.map((p) => p.exit_to_seen_ms ?? Number.NaN));
    const exitPublish = spread(runs.map((p) => p.exit_to_publish_ms ?? Number.NaN));
    const exitStream = spread(runs.map((p) => p.exit_to_stream_ms ?? Number.NaN));
    emit({
      workload: "explain",
      kind: first.kind,
      impl: first.impl,
      phase: first.phase,
      rounds: runs.length,
      client_ms: client,
      rpc_ms: rpc,
      daemon_ms: daemon,
      gap_ms: gap,
      ...(cpu ? { cpu_ms: cpu } : {}),
      ...(spawns ? { spawns: spawns.median } : {}),
      rpcs: rpcsPerRound,
      methods,
      ...(first.phase === "total"
        ? {}
        : { rpc_ms_by_method: rpcByMethod, daemon_ms_by_method: daemonByMethod }),
      ...(Number.isNaN(exitSeen.median) ? {} : { exit_to_seen_ms: exitSeen }),
      ...(Number.isNaN(exitPublish.median) ? {} : { exit_to_publish_ms: exitPublish }),
      ...(Number.isNaN(exitStream.median) ? {} : { exit_to_stream_ms: exitStream }),
    });
    rows.push([
      first.kind,
      first.impl,
      first.phase,
      cell(client),
      cell(rpc),
      cell(daemon),
      cell(gap),
      cpu ? cell(cpu) : "-",
      spawns ? String(spawns.median) : "-",
      `${rpcsPerRound}${first.phase === "total" ? "" : ` ${methods.join(" ")}`}`,
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  process.stderr.write(
    `\nexplain: median (min–max) over rounds; gap = client − daemon; Go's Tasks/Wait (a long poll) is listed, not summed\n${rows
      .map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "))
      .join("\n")}\n\n`,
  );
}

/**
 * What one RPC (Containers/Get of an existing container) costs this process, layer by layer:
 * protobuf encoding alone, a bare nice-grpc client (no middleware), the SDK's raw stub (its
 * middleware), and a handle method (`containers.load(id)`: one Get and a handle). Wall and CPU per call over `n` calls,
 * alternating the layers `rounds` times; the daemon's own time per Get beside them.
 */
async function rpcCost(bench: Bench, rounds: number, n: number): Promise<void> {
  const id = bench.nextId("explain-get");
  const container = await bench.client.containers.create(id, { rootfs: bench.rootfs, args: ["/bin/true"] });
  // The SDK's own channel options, so only the middleware and handle layers differ.
  const channel = createContainerdChannel(`unix://${bench.ctr.address}`);
  const bare = createClient(ContainersDefinition, channel, {
    "*": { metadata: Metadata({ "containerd-namespace": NAMESPACE }) },
  });
  const sample = CreateContainerRequest.fromPartial({
    container: (await bench.client.raw.containers.get({ id }, { namespace: NAMESPACE })).container,
  });
  const layers: Array<[string, () => Promise<unknown>]> = [
    [
      "encode+decode",
      async () => CreateContainerRequest.decode(CreateContainerRequest.encode(sample).finish()),
    ],
    ["bare nice-grpc", () => bare.get({ id })],
    ["sdk raw stub", () => bench.client.raw.containers.get({ id }, { namespace: NAMESPACE })],
    ["handle load()", () => bench.client.containers.load(id)],
  ];
  const results = new Map<string, { wall: number[]; cpu: number[]; daemon: number[] }>();
  try {
    for (let r = 0; r <= rounds; r++) {
      for (const [name, call] of layers) {
        const before = await daemonTimes(bench);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await call();
        const wall = (performance.now() - t0) / n;
        const cpu = process.cpuUsage(cpu0);
        const delta = daemonDelta(before, await daemonTimes(bench));
        if (r === 0) continue; // warm-up
        const entry = results.get(name) ?? { wall: [], cpu: [], daemon: [] };
        entry.wall.push(wall * 1000);
        entry.cpu.push((cpu.user + cpu.system) / n);
        entry.daemon.push((daemonSeconds(delta) * 1e6) / n);
        results.set(name, entry);
      }
    }
  } finally {
    channel.close();
    await container.delete();
  }
  const rows = [["layer", "wall µs/call", "cpu µs/call", "daemon µs/call"]];
  for (const [name, { wall, cpu, daemon }] of results) {
    const w = spread(wall);
    const c = spread(cpu);
    const d = spread(daemon);
    emit({ workload: "explain-rpc-cost", layer: name, n, rounds, wall_us: w, cpu_us: c, daemon_us: d });
    const us = (s: Spread) => `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
    rows.push([name, us(w), us(c), us(d)]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  process.stderr.write(
    `explain: one Containers/Get, ${n} calls per round, median (min–max)\n${rows
      .map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "))
      .join("\n")}\n\n`,
  );
}

/** Round 0 of each kind is a warm-up for both implementations and is not reported. */
export async function explainWorkload(
  bench: Bench,
  opts: { rounds: number; rpcCalls: number },
): Promise<void> {
  const { rounds } = opts;
  const log = new RpcLog();
  const exits = watchExits(bench);
  const phases: Phase[] = [];
  const keep = (r: number, list: Phase[]) => {
    if (r > 0) phases.push(...list);
  };
  try {
    for (const kind of ["lifecycle", "lifecycle-pipe"] as const) {
      for (let r = 0; r <= rounds; r++) {
        note(`explain ${kind}: round ${r}/${rounds}${r === 0 ? " (warm-up)" : ""}`);
        const clock = new PhaseClock(bench, log, kind, r);
        await sdkLifecycle(clock, exits.exits, kind === "lifecycle-pipe");
        keep(r, clock.phases);
        if (kind === "lifecycle") keep(r, await goRound(bench, "lifecycle", r));
      }
    }
    await withSleepingTask(bench, async (task) => {
      for (let r = 0; r <= rounds; r++) {
        note(`explain exec: round ${r}/${rounds}${r === 0 ? " (warm-up)" : ""}`);
        const clock = new PhaseClock(bench, log, "exec", r);
        await sdkExec(clock, task, exits.exits);
        keep(r, clock.phases);
        keep(r, await goRound(bench, "exec", r));
      }
    });
  } finally {
    log.close();
    await exits.stop();
  }
  report(phases);
  note(`explain: RPC cost by layer, ${opts.rpcCalls} calls × ${rounds} rounds`);
  await rpcCost(bench, rounds, opts.rpcCalls);
}
