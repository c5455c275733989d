import { rm, rmdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Bundle } from "./bundles.js";
import { listProcesses } from "./proc.js";

const RUN_DIR = "/run/containerd";

/** @internal Whether any containerd or shim (ours are dead by now) may still use /run/containerd. */
async function anotherContainerdRuns(): Promise<boolean> {
  const processes = await listProcesses();
  return processes.some((p) => p.state !== "Z" && /(^|\/)containerd(-shim[\w-]*)?$/.test(p.argv[0] ?? ""));
}

/**
 * @internal containerd 1.6 hardcodes shim sockets to /run/containerd/s and the runc shim keeps runc's
 * state in /run/containerd/runc/<namespace>, outside our directory. Removes the sockets of our shims
 * and our namespaces' empty runc roots, then the shared directories only when empty and no other
 * containerd runs, so a concurrent daemon (or the system one) does not lose one it is about to use.
 */
export async function cleanRunDirs(bundles: Bundle[], namespaces: Iterable<string>): Promise<void> {
  await Promise.all(
    bundles.flatMap((b) =>
      b.shimSocket?.startsWith(`${RUN_DIR}/`) ? [rm(b.shimSocket, { force: true })] : [],
    ),
  );
  // A namespace's runc root goes when empty even while other daemons run: rmdir refuses a
  // non-empty one, and runc makes its root again when it needs it.
  const runcRoots = new Set([...namespaces].map((ns) => `${RUN_DIR}/runc/${ns}`));
  for (const b of bundles) if (b.runcRoot.startsWith(`${RUN_DIR}/runc/`)) runcRoots.add(b.runcRoot);
  await Promise.all([...runcRoots].map((dir) => rmdir(dir).catch(() => undefined)));
  if (await anotherContainerdRuns()) return;
  // What 1.6 and the SDK create there: runc state per namespace, shim sockets, default FIFOs.
  const dirs = new Set([`${RUN_DIR}/s`, `${RUN_DIR}/fifo`, ...runcRoots]);
  for (const b of bundles) {
    if (b.runcRoot.startsWith(`${RUN_DIR}/`)) dirs.add(b.runcRoot);
    if (b.shimSocket?.startsWith(`${RUN_DIR}/`)) dirs.add(dirname(b.shimSocket));
  }
  // Deepest first; each parent up to /run/containerd itself.
  const candidates = new Set<string>();
  for (const dir of dirs) {
    for (let d = dir; d.startsWith(`${RUN_DIR}/`); d = dirname(d)) candidates.add(d);
  }
  candidates.add(RUN_DIR);
  for (const dir of [...candidates].sort((a, b) => b.length - a.length)) {
    await rmdir(dir).catch(() => undefined);
  }
}
