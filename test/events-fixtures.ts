import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client, ClientEvents, ContainerdEvent, SubscribeOptions } from "../src/index.js";
import { encodeAny, filters } from "../src/index.js";

/** Resolves with the next `name` event of `client` (register before causing it). */
export function nextClientEvent<E extends keyof ClientEvents>(
  client: Client,
  name: E,
): Promise<ClientEvents[E]> {
  return new Promise((resolve) => {
    const listener = (...args: ClientEvents[E]) => {
      client.off(name, listener);
      resolve(args);
    };
    client.on(name, listener);
  });
}

/** A process's parent pid, from /proc. */
export async function parentPid(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Field 4, after the command in parentheses (which may itself hold spaces).
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/**
 * A user subscription known to be live on the server: it also lets through a probe topic of its
 * own and publishes probes until one comes back, so events caused afterwards are certain to
 * arrive. `sync()` publishes one more probe and resolves once it is back: everything published
 * before it has then been delivered. Probes never reach `events`.
 */
export async function liveSubscription(client: Client, options: SubscribeOptions = {}) {
  const probe = `/test/probe/${randomBytes(6).toString("hex")}`;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Without filters a subscription sees everything; keep that once the probe's filter is added.
  const given = options.filters ?? [filters.present("topic")];
  const stream = client.events.subscribe({
    ...options,
    signal,
    filters: [...given, filters.topic(probe)],
  });
  const iterator = stream[Symbol.asyncIterator]();
  const events: ContainerdEvent[] = [];
  const waiters: Array<() => void> = [];
  let probesBack = 0;
  let failure: unknown;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) return;
        if (value.topic === "unknown" && value.originalTopic === probe) probesBack++;
        else events.push(value);
        for (const w of waiters.splice(0)) w();
      }
    } catch (err) {
      failure = err;
      for (const w of waiters.splice(0)) w();
    }
  })();
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  const publish = () =>
    client.raw.events.publish(
      { topic: probe, event: encodeAny("containerd.events.ContainerDelete", { id: "probe" }) },
      { namespace: client.namespace },
    );
  // Until the server registers the stream, probes are lost: send one at a time until one is back.
  while (probesBack === 0) {
    await publish();
    const timer = new Promise<void>((r) => setTimeout(r, 20));
    await Promise.race([changed(), timer]);
    if (failure) throw failure;
  }
  return {
    events,
    /** Resolves once everything published before the call has arrived. */
    async sync(): Promise<void> {
      const want = probesBack + 1;
      await publish();
      while (probesBack < want) {
        if (failure) throw failure;
        await changed();
      }
    },
    /**
     * Resolves once `predicate` holds for the events seen; rejects, naming them, if it does not
     * within `ms`, so an event that never comes fails its test instead of stalling the run.
     */
    async until(predicate: (events: ContainerdEvent[]) => boolean, ms = 60_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!predicate(events)) {
        if (failure) throw failure;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`until: not within ${ms} ms; seen: ${events.map((e) => e.topic).join(", ")}`);
        const timer = new AbortController();
        await Promise.race([changed(), sleep(left, undefined, { signal: timer.signal }).catch(() => {})]);
        timer.abort();
      }
    },
    async close(): Promise<void> {
      controller.abort();
      await pump;
    },
  };
}

/**
 * SIGSTOPs the daemon and returns once the kernel reports it stopped: the stop takes effect as each
 * of its threads is next scheduled, and on a machine whose CPUs are all busy a request sent at once
 * could still be served.
 */
export async function freeze(pid: number): Promise<void> {
  process.kill(pid, "SIGSTOP");
  for (let i = 0; i < 1_000; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("T")) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`containerd ${pid} did not stop`);
}

/** Runs `fn` with the daemon `pid` frozen, and lets it run again afterwards whatever `fn` does. */
export async function whileFrozen<T>(pid: number, fn: () => Promise<T>): Promise<T> {
  await freeze(pid);
  try {
    return await fn();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}
