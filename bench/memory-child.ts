// The SDK's side of the memory figures, in a fresh process like gocmp's: `handles N` (live heap per
// loaded Container handle, N held at once) or `rss N` (RSS and live heap after N lifecycles).
// bench/memory.ts bundles it with esbuild and runs `node --expose-gc bundle.cjs SOCKET ROOTFS FIFODIR
// MODE N`, so tsx's loader is not in the figures. Prints one JSON line, as gocmp does. Heap is V8's
// heapUsed plus external (buffers), after full GCs.
import { Client, type Container } from "containerd-sdk";
import { NAMESPACE } from "./common.js";
import { oneLifecycle } from "./one-lifecycle.js";

const [address = "", rootfs = "", fifoDir = "", mode = "", count = "0"] = process.argv.slice(2);
const n = Number(count);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("memory-child needs node --expose-gc");

// Several collections with turns in between, so finalizers and weak references settle too.
async function live(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

async function main(): Promise<void> {
  const client = await Client.connect({ address, namespace: NAMESPACE, fifoDir });
  const tag = `${mode}-${process.pid}`;
  try {
    if (mode === "handles") {
      const ids = Array.from({ length: n }, (_, i) => `mem-${tag}-${i}`);
      for (const id of ids) await client.containers.create(id, { rootfs, args: ["/bin/true"] });
      // One untimed pass loads every handle and drops them: compiled code and caches are then in both readings.
      for (const id of ids) await client.containers.load(id);
      const before = await live();
      const held: Container[] = [];
      for (const id of ids) held.push(await client.containers.load(id));
      const after = await live();
      for (const c of held) await c.delete();
      console.log(JSON.stringify({ workload: "handles", n, bytes_per_handle: n ? (after - before) / n : 0 }));
    } else if (mode === "rss") {
      const start = performance.now();
      for (let i = 0; i < n; i++) await oneLifecycle(client, rootfs, `mem-${tag}-${i}`);
      const seconds = (performance.now() - start) / 1000;
      const heap = await live();
      console.log(JSON.stringify({ workload: "rss", n, seconds, rss: process.memoryUsage().rss, heap }));
    } else {
      throw new Error(`memory-child: unknown mode ${mode}`);
    }
  } finally {
    await client.close();
  }
}

// No top-level await: the bundle is CommonJS (the SDK's CommonJS dependencies require built-ins).
main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
