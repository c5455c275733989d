import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { debug } from "./log.js";
import { readMounts } from "./mountinfo.js";

const run = promisify(execFile);

/** @internal Mount points at or below `dir`, deepest first so children go before their parents. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const points = (await readMounts())
    .map((m) => m.mountPoint)
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * @internal Lazily unmounts everything below `dir` (container rootfs overlays, temp mounts), so the
 * directory can be removed even if a dead shim's mount is still busy. Repeats for stacked mounts.
 */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const points = await mountsUnder(dir);
    if (points.length === 0) return;
    for (const point of points) {
      await run("umount", ["-l", point]).catch((err: Error) => debug("umount %s: %s", point, err.message));
    }
  }
  const left = await mountsUnder(dir);
  if (left.length) throw new Error(`containerd-sdk/testing: could not unmount ${left.join(", ")}`);
}
