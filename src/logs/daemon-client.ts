import { spawn } from "node:child_process";
import { once } from "node:events";
import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { UnavailableError } from "../errors/index.js";
import type { DaemonRequest } from "./daemon.js";
import type { LogLayout } from "./layout.js";
import { debug } from "./log.js";

/** How long a client waits for a daemon it started to listen. */
const START_TIMEOUT_MS = 10_000;

/** A connection to the daemon of `layout`, or undefined when none listens. */
async function connect(layout: LogLayout): Promise<Socket | undefined> {
  const socket = createConnection(layout.socket);
  try {
    await once(socket, "connect");
    return socket;
  } catch (err) {
    socket.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED" || code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * @internal A connection to the logging daemon of `layout`, starting one (detached, so it outlives
 * this process) when none listens. While the connection is open the daemon does not go idle.
 */
export async function ensureDaemon(layout: LogLayout, command: string[]): Promise<Socket> {
  const existing = await connect(layout);
  if (existing) return existing;
  const [node, ...args] = command as [string, ...string[]];
  debug("starting the logging daemon for %s", layout.root);
  const child = spawn(node, [...args, layout.root], { detached: true, stdio: "ignore" });
  child.on("error", (err) => debug("logging daemon: %s", err.message));
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    await sleep(delay);
    const socket = await connect(layout);
    if (socket) return socket;
  }
  throw new UnavailableError(`the logging daemon for ${layout.root} did not start in ${START_TIMEOUT_MS} ms`);
}

/**
 * @internal Keeps the daemon of `layout` up until `release()`: a connection held open, and a new
 * daemon started if that one closes meanwhile (it died, or it served a removed directory), so a
 * logger announced in between is still taken.
 */
export async function holdDaemon(layout: LogLayout, command: string[]): Promise<{ release(): void }> {
  let released = false;
  let socket: Socket;
  const hold = (s: Socket) => {
    socket = s;
    // A daemon serving a removed directory closes the connection at its first request.
    s.write(`${JSON.stringify({ op: "hold" } satisfies DaemonRequest)}\n`);
    s.resume();
    s.on("error", () => s.destroy());
    s.once("close", () => {
      if (!released) ensureDaemon(layout, command).then(hold, (err: Error) => debug("%s", err.message));
    });
  };
  hold(await ensureDaemon(layout, command));
  return {
    release() {
      released = true;
      socket.destroy();
    },
  };
}

/** @internal Sends one request on `socket` and waits for its answer; the socket is done afterwards. */
export async function request(socket: Socket, req: DaemonRequest): Promise<void> {
  socket.write(`${JSON.stringify(req)}\n`);
  let answer = "";
  for await (const chunk of socket) {
    answer += String(chunk);
    if (answer.includes("\n")) return;
  }
}

/**
 * @internal Asks the daemon to write what a container's pipes hold now (with `flush`, unfinished
 * lines too); quiet when no daemon runs (then no logger runs either).
 */
export async function syncLogs(
  layout: LogLayout,
  namespace: string,
  id: string,
  flush: boolean,
): Promise<void> {
  try {
    const socket = await connect(layout);
    if (socket) await request(socket, { op: "sync", namespace, id, flush }).finally(() => socket.destroy());
  } catch (err) {
    // A daemon that went away meanwhile (stopping, or serving a removed directory) holds nothing.
    debug("sync %s/%s: %s", namespace, id, (err as Error).message);
  }
}
