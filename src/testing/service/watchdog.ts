import { spawn } from "node:child_process";
import type { Socket } from "node:net";
import type { Writable } from "node:stream";
import type { Client } from "../../client.js";
import { debug } from "../log.js";
import { watchdogCommand } from "../watchdog-command.js";
import { sessionId } from "./session.js";
import type { SessionTarget } from "./session-sweep.js";

// The write end of each watchdog's pipe, by target. Held for the process's life: closing it (or
// losing it to the garbage collector) is what tells a watchdog its session has ended.
const pipes = new Map<string, Writable>();

/**
 * @internal Makes sure a watchdog guards this session's things in `client`'s containerd and
 * namespace: on the first call per target it spawns a detached Node process (see watchdog-main.ts)
 * that removes them once this process is gone, however it ends. Not for a remote (`tcp://`) client.
 */
export function ensureWatchdog(client: Client): void {
  if (client.address.startsWith("tcp://")) return;
  const target: SessionTarget = {
    address: client.address,
    namespace: client.namespace,
    stateDir: client.networks.stateDir,
    session: sessionId(),
  };
  const key = JSON.stringify(target);
  if (pipes.has(key)) return;
  const [command, ...args] = watchdogCommand() as [string, ...string[]];
  const child = spawn(command, [...args, JSON.stringify({ ...target, ppid: process.pid })], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.once("error", (err) => debug("watchdog: %s", err.message));
  child.unref();
  const stdin = child.stdin as Writable;
  // Neither the child nor the pipe keeps this process alive.
  (stdin as Socket).unref();
  stdin.on("error", () => {});
  pipes.set(key, stdin);
  debug("session %s: watchdog %d for %s", target.session, child.pid, target.address);
}
