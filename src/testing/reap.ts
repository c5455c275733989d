import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Bundle } from "./bundles.js";
import { thawCgroup } from "./cgroups.js";
import { debug } from "./log.js";
import { listProcesses, type ProcessInfo, waitGone, withDescendants } from "./proc.js";

const run = promisify(execFile);

/**
 * @internal Whether a process belongs to the daemon at `socket` with files under `dir`: shims carry
 * `-address <socket>`, their `containerd publish` helpers `--address <socket>`.
 */
function isOurs(p: ProcessInfo, socket: string, dir: string): boolean {
  return p.argv.some((arg) => arg === socket || arg.startsWith(`${dir}/`));
}

function ancestorsOfSelf(processes: ProcessInfo[]): Set<number> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const self = new Set<number>();
  for (let pid: number | undefined = process.pid; pid && !self.has(pid); pid = byPid.get(pid)?.ppid) {
    self.add(pid);
  }
  return self;
}

/** @internal The shims of the daemon at `socket` (and anything else naming it), with their process trees. */
export async function findOwnedProcesses(socket: string, dir: string): Promise<Set<number>> {
  const processes = await listProcesses();
  const roots = processes.filter((p) => p.state !== "Z" && isOurs(p, socket, dir)).map((p) => p.pid);
  const owned = withDescendants(processes, roots);
  for (const pid of ancestorsOfSelf(processes)) owned.delete(pid);
  return owned;
}

/**
 * @internal `runc delete --force`: kills the container (thawing a paused one), removes its cgroups
 * and runc's state in /run/containerd/runc, which a killed shim would leave behind.
 */
async function deleteWithRunc(bundle: Bundle): Promise<void> {
  if (bundle.cgroupsPath) await thawCgroup(bundle.cgroupsPath);
  try {
    await run("runc", ["--root", bundle.runcRoot, "delete", "--force", bundle.id], { timeout: 10_000 });
  } catch (err) {
    // Normal for a container that never started or that its shim already deleted.
    debug("runc delete %s/%s: %s", bundle.namespace, bundle.id, (err as Error).message.trim());
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone already
  }
}

/**
 * @internal Ends every container and shim of a stopped daemon: runc deletes the containers, then the
 * shims and whatever they spawned are SIGKILLed. Rescans, since a shim may fork while we look.
 */
export async function reapContainers(bundles: Bundle[], socket: string, dir: string): Promise<void> {
  await Promise.all(bundles.map(deleteWithRunc));
  for (let round = 0; round < 3; round++) {
    const owned = await findOwnedProcesses(socket, dir);
    if (owned.size === 0) return;
    debug("killing %d processes: %o", owned.size, [...owned]);
    // Stop first so no one forks between our scan and the kill.
    for (const pid of owned) {
      try {
        process.kill(pid, "SIGSTOP");
      } catch {
        // gone already
      }
    }
    const again = await findOwnedProcesses(socket, dir);
    for (const pid of new Set([...owned, ...again])) kill(pid);
    const survivors = await waitGone(new Set([...owned, ...again]), 3000);
    if (survivors.length) debug("still running after SIGKILL: %o", survivors);
  }
}
