import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { readBundles } from "./bundles.js";
import { removeCgroup } from "./cgroups.js";
import type { Layout } from "./layout.js";
import { debug } from "./log.js";
import { unmountUnder } from "./mounts.js";
import { reapContainers } from "./reap.js";
import { cleanRunDirs } from "./run-dirs.js";

/** @internal Namespaces that ran tasks: containerd keeps `<state>/io.containerd.runtime.v2.task/<ns>`. */
async function taskNamespaces(state: string): Promise<string[]> {
  return readdir(join(state, "io.containerd.runtime.v2.task")).catch(() => []);
}

/**
 * @internal Removes every trace of a daemon that is no longer running: containers and shims, their
 * cgroups, runc state and shim sockets, mounts under the temp dir, then the dir itself.
 */
export async function teardown(layout: Layout, namespace: string): Promise<void> {
  const started = performance.now();
  const bundles = await readBundles(layout.state);
  const namespaces = new Set([namespace, ...(await taskNamespaces(layout.state))]);
  await reapContainers(bundles, layout.socket, layout.dir);
  // A container's own cgroup, then `/<namespace>` for tasks that were deleted cleanly; parents
  // another daemon's containers still use survive (rmdir refuses non-empty cgroups).
  const cgroups = new Set([
    ...bundles.flatMap((b) => (b.cgroupsPath ? [b.cgroupsPath] : [])),
    ...[...namespaces].map((ns) => `/${ns}`),
  ]);
  await Promise.all([...cgroups].map(removeCgroup));
  await cleanRunDirs(bundles, namespaces);
  await unmountUnder(layout.dir);
  await rm(layout.dir, { recursive: true, force: true, maxRetries: 3 });
  debug("removed %s in %d ms", layout.dir, Math.round(performance.now() - started));
}
