/**
 * RPC counts as containerd's metrics endpoint reports them, keyed by the full gRPC method name
 * without the leading slash: `"containerd.services.containers.v1.Containers/Create"`.
 */
export type RpcCounts = Map<string, number>;

const HANDLED = "grpc_server_handled_total";

// Label values are Go-quoted strings: backslash escapes \\, \" and \n.
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [, name, value] of text.matchAll(LABEL)) {
    if (name !== undefined && value !== undefined) labels.set(name, value.replace(/\\(.)/g, "$1"));
  }
  return labels;
}

/**
 * Reads `grpc_server_handled_total` out of Prometheus text: the number of RPCs the daemon
 * finished, summed over status codes (a failed call costs a round trip too). Streams count once
 * they end, so a live `Events.Subscribe` is not in the figure yet.
 */
export function parseRpcCounts(text: string): RpcCounts {
  const counts: RpcCounts = new Map();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${HANDLED}{`)) continue;
    const close = line.lastIndexOf("}");
    const labels = parseLabels(line.slice(HANDLED.length + 1, close));
    const value = Number(
      line
        .slice(close + 1)
        .trim()
        .split(" ")[0],
    );
    const service = labels.get("grpc_service");
    const method = labels.get("grpc_method");
    if (!service || !method || !Number.isFinite(value)) continue;
    const key = `${service}/${method}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

/**
 * What happened between two readings: methods whose count grew, with the increase. Compare
 * readings around an operation to see exactly which RPCs it cost.
 */
export function rpcDelta(before: RpcCounts, after: RpcCounts): RpcCounts {
  const delta: RpcCounts = new Map();
  for (const [key, count] of after) {
    const grown = count - (before.get(key) ?? 0);
    if (grown > 0) delta.set(key, grown);
  }
  return delta;
}

/** Total of all counts, e.g. of an {@link rpcDelta}. */
export function rpcTotal(counts: RpcCounts): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/** @internal Fetches and parses `http://<address>/v1/metrics`. */
export async function fetchRpcCounts(address: string, timeoutMs = 5000): Promise<RpcCounts> {
  const url = `http://${address}/v1/metrics`;
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`containerd-sdk/testing: GET ${url} timed out`)),
    timeoutMs,
  );
  try {
    const res = await fetch(url, { signal: abort.signal });
    if (!res.ok) throw new Error(`containerd-sdk/testing: GET ${url}: HTTP ${res.status}`);
    return parseRpcCounts(await res.text());
  } finally {
    clearTimeout(timer);
  }
}
