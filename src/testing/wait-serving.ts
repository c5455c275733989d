import { access } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "../client.js";
import { type DaemonExit, describeExit } from "./daemon.js";

/** @internal What {@link waitServing} needs to know. */
export interface WaitServingOptions {
  socket: string;
  namespace: string;
  /** The instance's private FIFO dir, so the client's tasks keep their FIFOs inside it. */
  fifoDir: string;
  /** The client's network state directory. */
  networkDir?: string;
  /** Milliseconds from now. */
  timeout: number;
  /** Settles when the daemon dies: waiting stops at once. */
  exited: Promise<DaemonExit>;
}

const POLL_MS = 20;

/**
 * @internal Polls until containerd answers Version on `socket`, and returns that connected client.
 * Rejects early when the daemon exits, or after `timeout`; the caller adds the log tail.
 */
export async function waitServing(options: WaitServingOptions): Promise<Client> {
  const deadline = Date.now() + options.timeout;
  const stop = new AbortController();
  let exit: DaemonExit | undefined;
  void options.exited.then((e) => {
    exit = e;
    stop.abort();
  });
  let lastError: unknown;
  while (!exit) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`containerd did not serve ${options.socket} within ${options.timeout} ms${detail}`);
    }
    // Cheaper than a gRPC attempt while the daemon is still loading plugins.
    const present = await access(options.socket).then(
      () => true,
      () => false,
    );
    if (present) {
      try {
        return await Client.connect({
          address: options.socket,
          namespace: options.namespace,
          fifoDir: options.fifoDir,
          ...(options.networkDir ? { network: { stateDir: options.networkDir } } : {}),
          timeout: Math.min(remaining, 2000),
          signal: stop.signal,
        });
      } catch (err) {
        lastError = err;
      }
    }
    await sleep(POLL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  throw new Error(`containerd ${describeExit(exit)}`);
}
