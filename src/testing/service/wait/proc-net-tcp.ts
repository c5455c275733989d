import { readFile } from "node:fs/promises";

/** TCP state `0A` in /proc/net/tcp: a listening socket. */
const LISTEN = "0A";

/**
 * @internal The ports with a listening socket in a `/proc/<pid>/net/tcp` or `tcp6` table: each
 * row's `local_address` is `HEXADDR:HEXPORT`, its `st` the state in hex.
 */
export function listeningPorts(table: string): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split("\n").slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (state !== LISTEN || !local) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (Number.isInteger(port)) ports.add(port);
  }
  return ports;
}

/**
 * @internal Whether anything in the network namespace of process `pid` listens on TCP `port`,
 * read from the host (no exec): `/proc/<pid>/net/tcp` and `tcp6`.
 */
export async function listensOn(pid: number, port: number): Promise<boolean> {
  for (const table of ["tcp", "tcp6"]) {
    const text = await readFile(`/proc/${pid}/net/${table}`, "utf8").catch(() => "");
    if (listeningPorts(text).has(port)) return true;
  }
  return false;
}
