// RSS: many lifecycles in one client, printing RSS and heap after `checkpoint` and after all of
// them so flatness can be judged, plus open fds and FIFO dirs before and after (a leak of
// either shows there first). SDK only: a per-process figure of a Go child says nothing here.

import { type Bench, emit, fifoDirs, mib, openFds, pool, round } from "./common.js";
import { lifecycle } from "./lifecycle.js";

/** A lifecycle with stdio "pipe" reading `echo`'s output, so FIFOs, sockets and their cleanup are exercised. */
async function pipedLifecycle(bench: Bench, id: string): Promise<void> {
  const c = await bench.client.containers.create(id, { rootfs: bench.rootfs, args: ["/bin/echo", id] });
  const task = await c.newTask({ stdio: "pipe" });
  task.stderr?.resume();
  const out = task.stdout?.toArray();
  await task.start();
  await task.wait();
  await out;
  await task.delete();
  await c.delete();
}

function snapshot(bench: Bench): Record<string, number> {
  // With --expose-gc (bench/run passes it) the heap figure is what survives, not garbage not yet collected.
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return {
    rss_mib: mib(rss),
    heap_used_mib: mib(heapUsed),
    external_mib: mib(external),
    fds: openFds(),
    fifo_dirs: fifoDirs(bench.ctr.fifoDir),
  };
}

/**
 * Runs `n` lifecycles, `concurrency` at a time; every `pipeEvery`-th one (0: none) uses stdio
 * "pipe". Prints one line after `checkpoint` lifecycles and one after all `n`.
 */
export async function rssWorkload(
  bench: Bench,
  opts: { n: number; checkpoint: number; concurrency: number; pipeEvery: number },
): Promise<void> {
  const { n, checkpoint, concurrency, pipeEvery } = opts;
  const params = { n, concurrency, pipe_every: pipeEvery };
  const before = snapshot(bench);
  emit({ workload: "rss", impl: "sdk", ...params, after: 0, ...before });
  const start = performance.now();
  const run = (count: number) =>
    pool(count, concurrency, async () => {
      const i = done++;
      const id = bench.nextId("rss");
      await (pipeEvery > 0 && i % pipeEvery === pipeEvery - 1
        ? pipedLifecycle(bench, id)
        : lifecycle(bench, id));
    });
  let done = 0;
  const first = Math.min(checkpoint, n);
  await run(first);
  const atCheckpoint = snapshot(bench);
  emit({ workload: "rss", impl: "sdk", ...params, after: first, ...atCheckpoint });
  await run(n - first);
  const after = snapshot(bench);
  const seconds = (performance.now() - start) / 1000;
  emit({ workload: "rss", impl: "sdk", ...params, after: n, ...after, seconds: round(seconds) });
  emit({
    workload: "rss",
    impl: "sdk",
    ...params,
    rss_growth_mib: round((after.rss_mib ?? 0) - (atCheckpoint.rss_mib ?? 0)),
    heap_growth_mib: round((after.heap_used_mib ?? 0) - (atCheckpoint.heap_used_mib ?? 0)),
    fds_before: before.fds,
    fds_after: after.fds,
    fifo_dirs_before: before.fifo_dirs,
    fifo_dirs_after: after.fifo_dirs,
  });
}
