// Stdout: a container runs `dd if=/dev/zero bs=1048576 count=N` (busybox dd takes no `1M`) and the
// SDK reads task.stdout to its end, counting bytes — gocmp's `stdout` workload. Timed, as gocmp
// does, from container create to container delete.
import { type Bench, measureGo, measureSdk, type Workload } from "./common.js";

/** Runs dd in a fresh container and returns the bytes read from its stdout. */
export async function ddThroughStdout(bench: Bench, mib: number): Promise<number> {
  // /bin/dd directly, as gocmp runs it: a shell in between would differ from the comparator.
  const args = ["/bin/dd", "if=/dev/zero", "bs=1048576", `count=${mib}`];
  const c = await bench.client.containers.create(bench.nextId("out"), { rootfs: bench.rootfs, args });
  try {
    // stdin, stdout and stderr FIFOs, as gocmp's cio.WithStreams makes them.
    const task = await c.newTask({ stdio: "pipe" });
    const { stdout, stderr } = task;
    if (!stdout || !stderr) throw new Error("stdio pipe gave no stdout/stderr");
    stderr.resume();
    const counted = new Promise<number>((resolve, reject) => {
      let bytes = 0;
      stdout.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stdout.once("end", () => resolve(bytes));
      stdout.once("error", reject);
    });
    await task.start();
    await task.wait();
    const bytes = await counted;
    await task.delete();
    return bytes;
  } finally {
    await c.delete();
  }
}

export function stdoutWorkload(mib: number): Workload {
  const check = (bytes: number) => {
    if (bytes !== mib * 1024 * 1024) throw new Error(`stdout: read ${bytes} bytes, want ${mib} MiB`);
    return bytes;
  };
  return {
    name: "stdout",
    params: { mib },
    warmup: async (bench) => void (await ddThroughStdout(bench, Math.min(mib, 16))),
    sdk: (bench) => measureSdk(bench, 1, async () => check(await ddThroughStdout(bench, mib))),
    go: async (bench) => {
      const measure = await measureGo(bench, 1, ["stdout", mib], ["lifecycle", 0]);
      check(measure.bytes ?? 0);
      return measure;
    },
  };
}
