// The image both image benches use: busybox plus two layers of incompressible data (BENCH_IMAGE_MIB
// in total, default 100), built with umoci. Figures only: nothing here asserts a timing.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ContainerdInstance } from "containerd-sdk/testing";
import { type BuiltImage, buildBusyboxImage } from "containerd-sdk/testing";

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
