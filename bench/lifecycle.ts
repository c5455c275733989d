// Lifecycle: create a container running /bin/true, new task (null IO), start, wait, delete task,
// delete container — gocmp's `lifecycle` workload, sequential or `concurrency` at a time.
import { type Bench, measureGo, measureSdk, pool, type Workload } from "./common.js";
import { oneLifecycle } from "./one-lifecycle.js";

/** One create-start-wait-delete round trip in the bench's client. */
export function lifecycle(bench: Bench, id: string): Promise<void> {
  return oneLifecycle(bench.client, bench.rootfs, id);
}

export function lifecycleWorkload(n: number, concurrency: number): Workload {
  const lifecycles = (bench: Bench, count: number, prefix: string) =>
    pool(count, concurrency, () => lifecycle(bench, bench.nextId(prefix)));
  return {
    name: concurrency === 1 ? "lifecycle" : `lifecycle-c${concurrency}`,
    params: { n, concurrency },
    warmup: (bench) => lifecycles(bench, concurrency, "warm"),
    sdk: (bench) => measureSdk(bench, n, async () => void (await lifecycles(bench, n, "lc"))),
    go: (bench) => measureGo(bench, n, ["lifecycle", n, concurrency], ["lifecycle", 0]),
  };
}
