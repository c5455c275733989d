// Lifecycle: create a container running /bin/true, new task (null IO), start, wait, delete task,
// delete container — gocmp's `lifecycle` workload, sequential or `concurrency` at a time.
import { type Bench, measureGo, measureSdk, pool, type Workload } from "./common.js";

/** One create-start-wait-delete round trip; the SDK's budget is 5 RPCs. */
export async function lifecycle(bench: Bench, id: string): Promise<void> {
  const c = await bench.client.containers.create(id, { rootfs: bench.rootfs, args: ["/bin/true"] });
  const task = await c.newTask();
  await task.start();
  await task.wait();
  await task.delete();
  await c.delete();
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
