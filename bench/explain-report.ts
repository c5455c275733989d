// The account's table: phases of every round grouped by (kind, implementation, phase), with a total
// per round, as medians with min and max, on stderr, and as JSON lines on stdout.
import { emit, formatTable, type Spread, spread, spreadCell } from "./common.js";
import type { RpcTime } from "./rpc-log.js";

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

const LONG_POLL = "Tasks/Wait";

const cell = (s: Spread | undefined) => spreadCell(s, 2);

/** Summarizes the rounds by (kind, impl, phase), with a total per (kind, impl); table and JSON. */
export function report(all: Phase[]): void {
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
  process.stderr.write(
    `\nexplain: median (min–max) over rounds; gap = client − daemon; Go's Tasks/Wait (a long poll) is listed, not summed\n${formatTable(rows)}\n\n`,
  );
}
