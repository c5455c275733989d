import { rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readMounts } from "./mountinfo.js";

/** @internal Every cgroup hierarchy's mount point: one per v1 controller, plus cgroup2 (unified or hybrid). */
export async function cgroupRoots(): Promise<{ v1: string[]; v2: string[] }> {
  const mounts = await readMounts();
  const pick = (type: string): string[] => mounts.filter((m) => m.fsType === type).map((m) => m.mountPoint);
  return { v1: pick("cgroup"), v2: pick("cgroup2") };
}

/**
 * @internal Thaws a paused container's cgroup: frozen processes do not die of SIGKILL, and runc
 * is not the only one killing here. Best effort.
 */
export async function thawCgroup(path: string): Promise<void> {
  const { v1, v2 } = await cgroupRoots();
  const writes = [
    ...v1.map((root) => writeFile(join(root, path, "freezer.state"), "THAWED")),
    ...v2.map((root) => writeFile(join(root, path, "cgroup.freeze"), "0")),
  ];
  await Promise.allSettled(writes);
}

async function removeDir(path: string, retries: number): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(path);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return true;
      // EBUSY: the last processes are still leaving the cgroup (or, for a parent, it has children).
      if (code !== "EBUSY" || attempt >= retries) return false;
      await sleep(20);
    }
  }
}

/**
 * @internal Removes the cgroup `path` (`/<namespace>/<id>`) from every hierarchy, then its parents
 * while they are empty; a parent another container still uses stays (rmdir refuses). Best effort.
 */
export async function removeCgroup(path: string): Promise<void> {
  const { v1, v2 } = await cgroupRoots();
  await Promise.all(
    [...v1, ...v2].map(async (root) => {
      // Only the container's own cgroup is worth waiting for; a busy parent belongs to someone else.
      let retries = 25;
      for (let dir = path; dir !== "/" && dir !== "."; dir = dirname(dir)) {
        if (!(await removeDir(join(root, dir), retries))) return;
        retries = 0;
      }
    }),
  );
}
