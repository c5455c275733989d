// An account of the time: one lifecycle and one exec, phase by phase, as the SDK spends them and
// (with $GOCMP) as the containerd Go client does, in alternating rounds on the one daemon. For each
// phase: the client's wall time, its RPCs' time as the client sees them, the daemon's time handling
// them (containerd's grpc_server_handling_seconds), the gap (client minus daemon: transport, the
// client's own work, and for the exit the process running and the event's trip), client CPU and
// processes spawned (the table: bench/explain-report.ts). Then what one RPC costs, layer by layer
// (bench/rpc-cost.ts), and where the client's CPU goes, by layer (bench/cpu-layers.ts). Medians
// with min and max; a table on stderr, JSON lines on stdout.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { Container, Process, Task } from "containerd-sdk";
import { Timestamp } from "../src/gen/google/protobuf/timestamp.js";
import { type Bench, note } from "./common.js";
import { cpuLayers } from "./cpu-layers.js";
import { type DaemonTimes, daemonDelta, daemonTimes } from "./daemon-time.js";
import { withSleepingTask } from "./exec.js";
import { type Phase, report } from "./explain-report.js";
import { rpcCost } from "./rpc-cost.js";
import { RpcLog } from "./rpc-log.js";
import { spawnCount } from "./spawn-count.js";

const run = promisify(execFile);
const wallNow = () => performance.timeOrigin + performance.now();

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

/** Round 0 of each kind is a warm-up for both implementations and is not reported. */
export async function explainWorkload(
  bench: Bench,
  opts: { rounds: number; rpcCalls: number; cpuOps: number },
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
  note(`explain: client CPU by layer, ${opts.cpuOps} ops × ${rounds} rounds`);
  await cpuLayers(bench, rounds, opts.cpuOps);
}
