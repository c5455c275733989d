import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pLimit from "p-limit";
import type { Container, Task } from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("scale", () => {
  const d = useDaemon();

  test("1,000 live task handles share one stream and each wait() resolves with its own exit", async () => {
    const n = 1000;
    const limit = pLimit(8);
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
    // Alternate signals so each handle must get its own process's exit.
    await Promise.all(live.map(({ task }, i) => limit(() => task.kill(i % 2 ? "SIGKILL" : "SIGTERM"))));
    const codes = (await Promise.all(waits)).map((s) => s.exitCode);
    assert.deepEqual(
      codes,
      live.map((_, i) => (i % 2 ? 137 : 143)),
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
