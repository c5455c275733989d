// Exec: in one running `sleep` task, n times exec /bin/true (null IO), start, wait, delete —
// gocmp's `exec` workload — one at a time or `concurrency` in flight. Only the execs are timed,
// not the task around them.
import type { Task } from "containerd-sdk";
import { type Bench, type Measure, measureGo, measureSdk, pool, type Workload } from "./common.js";

/** Runs `fn` with a started `sleep 600` task, force-removed afterwards. */
export async function withSleepingTask<T>(bench: Bench, fn: (task: Task) => Promise<T>): Promise<T> {
  const c = await bench.client.containers.create(bench.nextId("exec"), {
    rootfs: bench.rootfs,
    args: ["/bin/sleep", "600"],
  });
  try {
    const task = await c.newTask();
    try {
      await task.start();
      return await fn(task);
    } finally {
      await task.delete({ force: true });
    }
  } finally {
    await c.delete();
  }
}

/** Exec /bin/true (null IO) as `execId`, start, wait, delete: the SDK's budget is 3 RPCs. */
export async function oneExec(task: Task, execId: string): Promise<void> {
  const p = await task.exec(execId, { args: ["/bin/true"] });
  await p.start();
  await p.wait();
  await p.delete();
}

/** {@link oneExec} `n` times, `concurrency` at a time. */
async function execs(task: Task, n: number, concurrency: number): Promise<undefined> {
  await pool(n, concurrency, (i) => oneExec(task, `e${i}`));
  return undefined;
}

export function execWorkload(n: number, concurrency = 1): Workload {
  return {
    name: concurrency === 1 ? "exec" : `exec-c${concurrency}`,
    params: { n, concurrency },
    warmup: (bench) => withSleepingTask(bench, (task) => execs(task, Math.max(3, concurrency), concurrency)),
    sdk: (bench): Promise<Measure> =>
      withSleepingTask(bench, (task) => measureSdk(bench, n, () => execs(task, n, concurrency))),
    go: (bench) => measureGo(bench, n, ["exec", n, concurrency], ["exec", 0]),
  };
}
