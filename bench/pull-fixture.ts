// The image both image benches use: busybox plus two layers of incompressible data (BENCH_IMAGE_MIB
// in total, default 100), built with umoci. Figures only: nothing here asserts a timing.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type BuiltImage,
  buildBusyboxImage,
  type ContainerdInstance,
  rpcDelta,
  rpcTotal,
} from "containerd-sdk/testing";

const exec = promisify(execFile);

/** Builds the 3-layer bench image (busybox + two random layers of `mib / 2` each). */
export async function buildBenchImage(parentDir: string, mib: number): Promise<BuiltImage> {
  const image = await buildBusyboxImage({ parentDir, cmd: ["/bin/true"] });
  for (const part of ["a", "b"]) {
    const dir = join(parentDir, `data-${part}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `blob-${part}`), randomBytes((mib / 2) * 1024 * 1024));
    await exec("umoci", ["insert", "--image", `${image.layout}:${image.tag}`, dir, `/data-${part}`]);
  }
  return image;
}

/** Runs ctr against the private daemon. */
export async function ctr(instance: ContainerdInstance, namespace: string, args: string[]): Promise<void> {
  await exec("ctr", ["--address", instance.address, "--namespace", namespace, ...args], {
    maxBuffer: 64 << 20,
  });
}

/** Median of a list. */
export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One side of an image workload: the run, and the cleanup that empties the store again. */
export interface ImageSide {
  run(): Promise<unknown>;
  clean(): Promise<unknown>;
}

/**
 * Runs the SDK and `ctr` sides alternately for `rounds` rounds on one daemon, then prints a JSON
 * line per side (median seconds, MB/s, RPCs of the last round) and one with the SDK/ctr ratio.
 */
export async function compareWithCtr(options: {
  workload: string;
  daemon: ContainerdInstance;
  rounds: number;
  bytes: number;
  sides: { sdk: ImageSide; ctr: ImageSide };
}): Promise<void> {
  const { workload, daemon, rounds, bytes, sides } = options;
  const times = { sdk: [] as number[], ctr: [] as number[] };
  const rpcs = { sdk: 0, ctr: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const impl of ["sdk", "ctr"] as const) {
      const before = await daemon.rpcCounts();
      const start = process.hrtime.bigint();
      await sides[impl].run();
      times[impl].push(Number(process.hrtime.bigint() - start) / 1e9);
      rpcs[impl] = rpcTotal(rpcDelta(before, await daemon.rpcCounts()));
      await sides[impl].clean();
    }
  }
  const mib = bytes / 2 ** 20;
  for (const impl of ["sdk", "ctr"] as const) {
    const seconds = medianOf(times[impl]);
    const line = {
      workload,
      impl,
      mib: Math.round(mib * 10) / 10,
      layers: 3,
      rounds,
      seconds: Math.round(seconds * 1000) / 1000,
      seconds_each: times[impl].map((s) => Math.round(s * 1000) / 1000),
      mib_per_s: Math.round((mib / seconds) * 10) / 10,
      rpcs: rpcs[impl],
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  const ratio = medianOf(times.sdk) / medianOf(times.ctr);
  process.stdout.write(
    `${JSON.stringify({ workload, ratio_sdk_over_ctr: Math.round(ratio * 100) / 100 })}\n`,
  );
}
