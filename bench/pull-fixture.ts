// The images both image benches use (BENCH_IMAGES, default `big,redis`): `big`, busybox plus two
// layers of incompressible data (BENCH_IMAGE_MIB in total, default 100), built with umoci; `redis`,
// Debian's redis-server as one uncompressed layer, the toolkit's redisImage() (mmdebstrap the first
// time, then its layer cache). Figures only: nothing here asserts a timing.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type BuiltImage,
  buildBusyboxImage,
  type ContainerdInstance,
  redisImage,
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

/** One image the benches move: its name in the workload, its layer count, the built image. */
export interface BenchImage {
  name: string;
  layers: number;
  image: BuiltImage;
}

/** Builds the images BENCH_IMAGES names (`big`, `redis`), in that order. */
export async function benchImages(parentDir: string, mib: number): Promise<BenchImage[]> {
  const names = (process.env.BENCH_IMAGES ?? "big,redis").split(",").filter(Boolean);
  const images: BenchImage[] = [];
  for (const name of names) {
    if (name === "big") images.push({ name, layers: 3, image: await buildBenchImage(parentDir, mib) });
    else if (name === "redis") {
      images.push({ name, layers: 1, image: await redisImage({ parentDir }) });
    } else throw new Error(`BENCH_IMAGES: unknown image ${name} (big, redis)`);
  }
  return images;
}

/**
 * Whether this `ctr` goes through the daemon's Transfer service by default (containerd 2.x): then
 * the benches time it both ways, and `--local` (the client-side fetch 1.6's ctr always does).
 */
export async function ctrHasTransfer(): Promise<boolean> {
  const { stdout } = await exec("ctr", ["images", "pull", "--help"]);
  return stdout.includes("--local");
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
 * Runs the sides alternately for `rounds` rounds on one daemon (the first is the SDK), then prints a
 * JSON line per side (median seconds, MB/s, RPCs of the last round) and one with the SDK's ratio
 * over each other side.
 */
export async function compareWithCtr(options: {
  workload: string;
  daemon: ContainerdInstance;
  rounds: number;
  bytes: number;
  layers: number;
  sides: Record<string, ImageSide>;
}): Promise<void> {
  const { workload, daemon, rounds, bytes, layers, sides } = options;
  const names = Object.keys(sides);
  const times = new Map(names.map((name) => [name, [] as number[]]));
  const rpcs = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const side = sides[name] as ImageSide;
      const before = await daemon.rpcCounts();
      const start = process.hrtime.bigint();
      await side.run();
      times.get(name)?.push(Number(process.hrtime.bigint() - start) / 1e9);
      rpcs.set(name, rpcTotal(rpcDelta(before, await daemon.rpcCounts())));
      await side.clean();
    }
  }
  const mib = bytes / 2 ** 20;
  const medians = new Map(names.map((name) => [name, medianOf(times.get(name) ?? [])]));
  for (const name of names) {
    const seconds = medians.get(name) ?? 0;
    const line = {
      workload,
      impl: name,
      mib: Math.round(mib * 10) / 10,
      layers,
      rounds,
      seconds: Math.round(seconds * 1000) / 1000,
      seconds_each: times.get(name)?.map((s) => Math.round(s * 1000) / 1000),
      mib_per_s: Math.round((mib / seconds) * 10) / 10,
      rpcs: rpcs.get(name),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  const [sdk, ...others] = names;
  for (const other of others) {
    const ratio = (medians.get(sdk as string) ?? 0) / (medians.get(other) ?? 1);
    const line = { workload, [`ratio_${sdk}_over_${other}`]: Math.round(ratio * 100) / 100 };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
