// Exit latency: from containerd's `exitedAt` to `wait()` resolving, with `live` task handles
// (sharing shims through the io.containerd.runc.v2.group spec annotation) on one event stream. Two
// patterns: exits one at a time, and a burst of kills at once. Beside each SDK wait, the same
// exit is awaited the way the containerd Go client does it, with a raw Tasks.Wait RPC (the
// Go-side comparison implemented with the SDK's raw stubs, not a Go binary). The time containerd
// spends before publishing (`envelope.timestamp - exitedAt`) is printed as the part outside the SDK.
import { filters, type Task } from "containerd-sdk";
import { type Bench, emit, mib, note, pool, round } from "./common.js";

const now = () => performance.timeOrigin + performance.now();

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: round(at(0.5), 2), p99: round(at(0.99), 2), max: round(sorted.at(-1) ?? 0, 2) };
}

interface Sample {
  sdk: number;
  raw: number;
  published: number;
}

export async function exitLatencyWorkload(
  bench: Bench,
  opts: { live: number; sequential: number; burst: number; groups: number },
): Promise<void> {
  const { client } = bench;
  const tasks: Task[] = [];
  note(`exit-latency: starting ${opts.live} tasks in ${opts.groups} shim groups`);
  await pool(opts.live, 8, async (i) => {
    const c = await client.containers.create(bench.nextId("lat"), {
      rootfs: bench.rootfs,
      args: ["/bin/sleep", "100000"],
      annotations: { "io.containerd.runc.v2.group": `lat-${i % opts.groups}` },
    });
    const t = await c.newTask();
    await t.start();
    tasks[i] = t;
  });
  const memory = process.memoryUsage();
  emit({
    workload: "exit-latency-live",
    live: opts.live,
    hub_entries: client.eventHubSize,
    rss_mib: mib(memory.rss),
    heap_used_mib: mib(memory.heapUsed),
  });

  // containerd's publish time of each exit, from a stream of our own.
  const published = new Map<string, number>();
  const controller = new AbortController();
  const watching = (async () => {
    try {
      for await (const ev of client.events.subscribe({
        filters: [filters.topic("/tasks/exit")],
        signal: controller.signal,
      })) {
        if (ev.topic === "/tasks/exit") published.set(ev.event.containerId, ev.timestamp.getTime());
      }
    } catch {
      // aborted at the end
    }
  })();

  const measure = async (task: Task): Promise<() => Sample> => {
    let sdkAt = 0;
    let rawAt = 0;
    const sdk = task.wait().then((s) => {
      sdkAt = now();
      return s.exitedAt.getTime();
    });
    const raw = client.raw.tasks
      .wait({ containerId: task.id, execId: "" }, { namespace: client.namespace })
      .then(() => {
        rawAt = now();
      });
    await task.kill("SIGKILL");
    const exitedAt = await sdk;
    await raw;
    return () => ({
      sdk: sdkAt - exitedAt,
      raw: rawAt - exitedAt,
      published: (published.get(task.id) ?? Number.NaN) - exitedAt,
    });
  };

  const report = (pattern: string, samples: Sample[]) => {
    const outside = samples.map((s) => s.published).filter((v) => Number.isFinite(v));
    emit({
      workload: "exit-latency",
      pattern,
      live: opts.live,
      n: samples.length,
      sdk_ms: percentiles(samples.map((s) => s.sdk)),
      raw_tasks_wait_ms: percentiles(samples.map((s) => s.raw)),
      containerd_publish_ms: percentiles(outside),
    });
  };

  let next = 0;
  const sequential: Array<() => Sample> = [];
  note(`exit-latency: ${opts.sequential} exits one at a time`);
  for (let i = 0; i < opts.sequential && next < tasks.length; i++)
    sequential.push(await measure(tasks[next++] as Task));
  const burstTasks = tasks.slice(next, next + opts.burst);
  next += burstTasks.length;
  note(`exit-latency: a burst of ${burstTasks.length} kills`);
  const burst = await Promise.all(burstTasks.map((t) => measure(t)));
  // Let the last exit events reach our own subscription before reading them.
  await client.raw.events.publish(
    { topic: "/bench/sync", event: { typeUrl: "google.protobuf.Empty", value: new Uint8Array() } },
    { namespace: client.namespace },
  );
  report(
    "one-at-a-time",
    sequential.map((f) => f()),
  );
  report(
    "burst",
    burst.map((f) => f()),
  );
  controller.abort();
  await watching;

  note("exit-latency: cleaning up");
  await pool(tasks.length, 8, async (i) => {
    const t = tasks[i] as Task;
    await t.delete({ force: true });
    const c = await client.containers.load(t.id);
    await c.delete();
  });
}
