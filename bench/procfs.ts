// Per-process figures from /proc, for workloads that measure processes other than the bench's own
// (the logging daemon, loggers, shims, dockerd).
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (`getconf CLK_TCK`; 100 on Linux everywhere it matters). */
const TICKS = 100;

/** A `kB` field of /proc/<pid>/smaps_rollup or status, in bytes; 0 when the process is gone. */
function kbField(file: string, field: string): number {
  try {
    const match = readFileSync(file, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size: private pages plus a share of each shared one (what N copies cost each). */
export const pss = (pid: number): number => kbField(`/proc/${pid}/smaps_rollup`, "Pss");
/** Pages written by this process alone (its floor: what one more copy costs at the least). */
export const privateDirty = (pid: number): number => kbField(`/proc/${pid}/smaps_rollup`, "Private_Dirty");
/** Anonymous memory (heap, stacks): resident memory no file backs. */
export const anonymous = (pid: number): number => kbField(`/proc/${pid}/smaps_rollup`, "Anonymous");
/** Resident set size. */
export const rss = (pid: number): number => kbField(`/proc/${pid}/status`, "VmRSS");

/** CPU seconds (user + system) the process has used; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** The argv of every process, by pid. */
export function processes(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.set(Number(name), readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0"));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Pids whose argv passes `match`. */
export function findPids(match: (argv: string[]) => boolean): number[] {
  return [...processes()].filter(([, argv]) => match(argv)).map(([pid]) => pid);
}

/** The pid of the runc shim serving container `id` (one shim per container unless grouped). */
export function shimPid(id: string): number | undefined {
  return findPids((argv) => (argv[0] ?? "").includes("containerd-shim") && argv.includes(id))[0];
}
