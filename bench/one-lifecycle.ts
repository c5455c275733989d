// One create-start-wait-delete round trip, taking a plain Client: the lifecycle workloads run it in
// the bench's client, bench/memory-child.ts in a fresh process of its own.
import type { Client } from "containerd-sdk";

/** Container running /bin/true, task with null IO, start, wait, delete both: the SDK's budget is 5 RPCs. */
export async function oneLifecycle(client: Client, rootfs: string, id: string): Promise<void> {
  const c = await client.containers.create(id, { rootfs, args: ["/bin/true"] });
  const task = await c.newTask();
  await task.start();
  await task.wait();
  await task.delete();
  await c.delete();
}
