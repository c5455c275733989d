import {
  closeSync,
  existsSync,
  type FSWatcher,
  openSync,
  readdirSync,
  rmSync,
  type Stats,
  statSync,
  watch,
} from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { LogFiles } from "./files.js";
import type { LogLayout } from "./layout.js";
import { debug } from "./log.js";
import { AttachedLogger } from "./logger.js";
import { parentIsShim, readLoggerProcess } from "./proc.js";
import { installLogger } from "./script.js";
import { NanoClock } from "./timestamp.js";

/** @internal How long the daemon stays up with no logger and no client. */
export const DEFAULT_IDLE_MS = 60_000;

/** How long after its pipes end a logger may wait for the shim's SIGTERM before the daemon sends it. */
const ORPHAN_GRACE_MS = 2_000;

/** How often, and how many times, the daemon looks again at an announced pid that does not read as a logger yet. */
const ANNOUNCE_RETRY_MS = 20;
const ANNOUNCE_TRIES = 50;

/** How often the daemon checks that its directory is still the one it serves. */
const CHECK_MS = 5_000;

/** @internal The daemon's requests (one JSON object per line on its socket). */
export type DaemonRequest =
  | { op: "sync"; namespace: string; id: string; flush: boolean }
  | { op: "hold" }
  | { op: "stop" };

/**
 * @internal The per-host logging daemon: takes over the pipes of every logger that announces
 * itself in `.loggers/`, writes and rotates the files, answers `sync` (drain a container's pipes
 * now) on its socket, and exits after `idleMs` with no logger and no client connected.
 */
export class LogDaemon {
  readonly #layout: LogLayout;
  readonly #idleMs: number;
  readonly #loggers = new Map<number, AttachedLogger>();
  readonly #files = new LogFiles();
  readonly #clock = new NanoClock();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #server: Server;
  readonly #stopped: Promise<void>;
  #stop!: () => void;
  /** Requests wait for it: the socket is bound (it is the lock) before the rest is set up. */
  readonly #started: Promise<void>;
  #start!: () => void;
  #watcher: FSWatcher | undefined;
  #hold: number | undefined;
  #served: Stats | undefined;
  readonly #clients = new Set<Socket>();
  #idle: NodeJS.Timeout | undefined;
  #done = false;

  constructor(layout: LogLayout, idleMs = DEFAULT_IDLE_MS) {
    this.#layout = layout;
    this.#idleMs = idleMs;
    this.#server = createServer((socket) => this.#serve(socket));
    this.#stopped = new Promise((resolve) => {
      this.#stop = resolve;
    });
    this.#started = new Promise((resolve) => {
      this.#start = resolve;
    });
  }

  /** Binds the socket; false when another daemon serves `layout` already. */
  async start(daemon: string[]): Promise<boolean> {
    const bound = await new Promise<boolean>((resolve, reject) => {
      this.#server.once("error", (err: NodeJS.ErrnoException) =>
        err.code === "EADDRINUSE" ? resolve(false) : reject(err),
      );
      this.#server.listen(this.#layout.socket, () => resolve(true));
    });
    // Whoever started us (a client, or the logger that won the lock after a daemon died) is answered.
    rmSync(this.#layout.lock, { force: true });
    if (!bound) return false;
    await installLogger(this.#layout, daemon);
    // Held open for writing while we live: loggers block reading it and wake if we die.
    this.#hold = openSync(this.#layout.hold, "r+");
    this.#served = statSync(this.#layout.loggers);
    this.#watcher = watch(this.#layout.loggers, (_event, name) => name && this.#announce(name));
    this.#watcher.on("error", () => this.stop());
    this.#every(CHECK_MS, () => this.#checkServed());
    for (const name of readdirSync(this.#layout.loggers)) this.#announce(name);
    this.#maybeIdle();
    this.#start();
    debug("daemon %d serving %s", process.pid, this.#layout.root);
    return true;
  }

  /** Resolves once the daemon has stopped (idle, or asked to). */
  get stopped(): Promise<void> {
    return this.#stopped;
  }

  #announce(name: string, attempt = 0): void {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 0 || this.#loggers.has(pid)) return;
    // Removing an announcement also reports its name: only files still there are loggers to take.
    if (!existsSync(join(this.#layout.loggers, name))) return;
    const proc = readLoggerProcess(pid, this.#layout.script);
    try {
      if (!proc) throw new Error("not a logger");
      this.#loggers.set(
        pid,
        new AttachedLogger(proc, this.#files, this.#clock, () => this.#loggerEnded(pid)),
      );
      debug("logger %d: %s/%s -> %s", pid, proc.namespace, proc.id, proc.config.path);
      this.#cancelIdle();
    } catch (err) {
      // A logger caught in its exec of the holder reads as nothing for a moment: look again.
      if (attempt < ANNOUNCE_TRIES && existsSync(`/proc/${pid}`)) {
        this.#later(ANNOUNCE_RETRY_MS, () => this.#announce(name, attempt + 1));
        return;
      }
      debug("logger %d: %s", pid, (err as Error).message);
      rmSync(join(this.#layout.loggers, name), { force: true });
    }
  }

  #loggerEnded(pid: number): void {
    this.#loggers.delete(pid);
    rmSync(join(this.#layout.loggers, String(pid)), { force: true });
    // The shim sends SIGTERM right after closing the pipes; a logger whose shim died gets it from us.
    this.#later(ORPHAN_GRACE_MS, () => {
      if (!readLoggerProcess(pid, this.#layout.script) || parentIsShim(pid)) return;
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // gone meanwhile
      }
    });
    this.#maybeIdle();
  }

  /**
   * Stops when the directory was removed or replaced: the next client then starts a daemon for the
   * new one (the abstract socket's name stays the same).
   */
  #checkServed(): boolean {
    let now: Stats | undefined;
    try {
      now = statSync(this.#layout.loggers);
    } catch {
      now = undefined;
    }
    if (now && now.ino === this.#served?.ino && now.dev === this.#served.dev) return true;
    debug("daemon %d: %s was removed or replaced", process.pid, this.#layout.loggers);
    this.stop();
    return false;
  }

  #serve(socket: Socket): void {
    this.#clients.add(socket);
    this.#cancelIdle();
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      buffered += text;
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        void this.#started.then(() => this.#request(line, socket));
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      this.#clients.delete(socket);
      this.#maybeIdle();
    });
  }

  #request(line: string, socket: Socket): void {
    if (!this.#checkServed()) {
      socket.destroy();
      return;
    }
    let req: DaemonRequest;
    try {
      req = JSON.parse(line) as DaemonRequest;
    } catch {
      socket.destroy();
      return;
    }
    if (req.op === "sync") {
      for (const logger of this.#loggers.values()) {
        if (logger.process.namespace === req.namespace && logger.process.id === req.id) {
          logger.drain(req.flush === true);
        }
      }
    }
    socket.write(`${JSON.stringify({ ok: true })}\n`);
    if (req.op === "stop") this.stop();
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  #cancelIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  #maybeIdle(): void {
    if (this.#done || this.#loggers.size > 0 || this.#clients.size > 0 || this.#idle) return;
    this.#idle = setTimeout(() => this.stop(), this.#idleMs);
  }

  /** Stops serving; loggers still attached keep their pipes (a restarted daemon takes them again). */
  stop(): void {
    if (this.#done) return;
    this.#done = true;
    this.#cancelIdle();
    for (const timer of this.#timers) clearTimeout(timer); // also clears intervals
    this.#timers.clear();
    this.#watcher?.close();
    for (const logger of this.#loggers.values()) logger.close();
    this.#loggers.clear();
    this.#server.close();
    for (const socket of this.#clients) socket.end();
    if (this.#hold !== undefined) closeSync(this.#hold);
    this.#hold = undefined;
    debug("daemon %d stopped", process.pid);
    this.#stop();
  }
}
