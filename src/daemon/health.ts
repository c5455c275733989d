import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "../client.js";

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
      const client = await Client.connect({ address, timeout: Math.min(remaining, 1000), signal });
      try {
        if (await client.serving({ timeout: Math.min(Math.max(deadline - Date.now(), 1), 1000), signal }))
          return;
      } finally {
        await client.close();
      }
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      last = err;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
