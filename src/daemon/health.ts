import { setTimeout as sleep } from "node:timers/promises";
import { HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health.js";
import { Connection } from "../rpc/connection.js";

const POLL_MS = 50;

/**
 * @internal Polls containerd's gRPC health service on `address` until it reports SERVING; rejects
 * with the last error after `timeout` ms, or with an AbortError once `signal` aborts (the child
 * died, or stop() began).
 */
export async function waitHealthy(address: string, timeout: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    signal.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`containerd did not report SERVING on ${address} within ${timeout} ms${detail}`);
    }
    try {
      if (await serving(address, Math.min(Math.max(remaining, 1), 1000), signal)) return;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      last = err;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

/** One Health.Check over a connection of its own (the daemon may have restarted since the last). */
async function serving(address: string, timeout: number, signal: AbortSignal): Promise<boolean> {
  const connection = await Connection.open(address);
  try {
    const res = await connection.services.health.check({ service: "" }, { deadline: timeout, signal });
    return res.status === HealthCheckResponse_ServingStatus.SERVING;
  } finally {
    connection.close();
  }
}
