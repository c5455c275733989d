// The daemon's side of each RPC: containerd's `grpc_server_handling_seconds` histogram (the test
// harness turns on `[metrics] grpc_histogram`), read as sum and count per method. The interceptor
// that feeds it runs from the decoded request to the handler's return, so the client's time minus
// this is the transport both ways plus the client's own work.
import type { Bench } from "./common.js";

/** Per `Service/Method` (short service name): calls finished and seconds spent handling them. */
export type DaemonTimes = Map<string, { count: number; seconds: number }>;

const SERIES = /^grpc_server_handling_seconds_(sum|count)\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="([^"]*)"/g;

export function parseDaemonTimes(text: string): DaemonTimes {
  const times: DaemonTimes = new Map();
  for (const line of text.split("\n")) {
    const match = SERIES.exec(line);
    if (!match) continue;
    const [, kind, labelText = "", value] = match;
    const labels = new Map([...labelText.matchAll(LABEL)].map(([, k, v]) => [k, v]));
    const service = labels.get("grpc_service")?.replace(/^.*\./, "");
    const method = labels.get("grpc_method");
    if (!service || !method) continue;
    const key = `${service}/${method}`;
    const entry = times.get(key) ?? { count: 0, seconds: 0 };
    if (kind === "sum") entry.seconds += Number(value);
    else entry.count += Number(value);
    times.set(key, entry);
  }
  return times;
}

export async function daemonTimes(bench: Bench): Promise<DaemonTimes> {
  const address = bench.ctr.metricsAddress;
  if (!address) throw new Error("the bench daemon runs without metrics");
  const res = await fetch(`http://${address}/v1/metrics`);
  if (!res.ok) throw new Error(`GET /v1/metrics: HTTP ${res.status}`);
  const times = parseDaemonTimes(await res.text());
  if (times.size === 0)
    throw new Error("containerd reports no grpc_server_handling_seconds (grpc_histogram off?)");
  return times;
}

/** Methods that finished calls between two readings, with those calls' count and seconds. */
export function daemonDelta(before: DaemonTimes, after: DaemonTimes): DaemonTimes {
  const delta: DaemonTimes = new Map();
  for (const [key, { count, seconds }] of after) {
    const prev = before.get(key) ?? { count: 0, seconds: 0 };
    if (count > prev.count) delta.set(key, { count: count - prev.count, seconds: seconds - prev.seconds });
  }
  return delta;
}
