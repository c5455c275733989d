import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pLimit from "p-limit";
import type { Container, Task } from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("scale", () => {
  const d = useDaemon();

  test("1,000 live task handles share one stream and every wait() resolves when they are all killed at once", async () => {
    const n = 1000;
    const limit = pLimit(8);
    // A run first, so the event stream is live before the first create: presence is recorded only
    // for creates the stream saw whole.
    await d.client.run({ rootfs: d.rootfs, args: ["/bin/true"] });
    const before = d.client.eventHubSize;
    const live: Array<{ container: Container; task: Task }> = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        limit(async () => {
          const container = await d.client.containers.create(uniqueId("scale"), {
            rootfs: d.rootfs,
            args: ["/bin/sleep", "100000"],
            // Shims shared by group (a spec annotation, read by the runc shim) keep 1,000 tasks affordable.
            annotations: { "io.containerd.runc.v2.group": `scale-${i % 10}` },
          });
          const task = await container.newTask();
          await task.start();
          return { container, task };
        }),
      ),
    );
    // One record per live process and one presence entry per container: nothing per listener.
    assert.equal(d.client.eventHubSize - before, 2 * n);
    const waits = live.map(({ task }) => task.wait());
    // SIGKILL: the container's init ignores SIGTERM (pid 1 without a handler).
    await Promise.all(live.map(({ task }) => limit(() => task.kill("SIGKILL"))));
    const statuses = await Promise.all(waits);
    assert.deepEqual(
      statuses.map((s) => s.exitCode),
      live.map(() => 137),
    );
    await Promise.all(
      live.map(({ container, task }) =>
        limit(async () => {
          await task.delete();
          await container.delete();
        }),
      ),
    );
    assert.equal(d.client.eventHubSize, before);
  });
});
