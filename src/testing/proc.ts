import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** @internal One entry of /proc. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Kernel state letter: "Z" is a zombie, as good as gone for us. */
  state: string;
  argv: string[];
}

async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/cmdline`, "utf8"),
    ]);
    // The command name in parentheses may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const argv = cmdline.split("\0");
    if (argv.at(-1) === "") argv.pop();
    return { pid, state: fields[0] ?? "?", ppid: Number(fields[1]), argv };
  } catch {
    return undefined; // exited while we looked
  }
}

/** @internal A snapshot of every process on the host. */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const infos = await Promise.all(pids.map(readProcess));
  return infos.filter((info): info is ProcessInfo => info !== undefined);
}

/** @internal `roots` and everything below them in the parent tree of `processes`. */
export function withDescendants(processes: ProcessInfo[], roots: Iterable<number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const found = new Set<number>();
  const queue = [...roots];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    if (found.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** @internal Whether `pid` still runs (a zombie does not). */
export async function isAlive(pid: number): Promise<boolean> {
  const info = await readProcess(pid);
  return info !== undefined && info.state !== "Z" && info.state !== "X";
}

/** @internal Resolves when none of `pids` runs any more, or after `timeoutMs`; returns the survivors. */
export async function waitGone(pids: Iterable<number>, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = [...pids];
  for (;;) {
    const alive = await Promise.all(left.map(isAlive));
    left = left.filter((_, i) => alive[i]);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(20);
  }
}
