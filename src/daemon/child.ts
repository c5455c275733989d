import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { debug } from "./log.js";

/** How a containerd process ended. */
export interface DaemonExit {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT for the binary). */
  error?: Error;
}

/** Describes an exit for messages: "exited with code 1", "was killed by SIGKILL". */
export function describeExit(exit: DaemonExit): string {
  if (exit.error) return `could not be started: ${exit.error.message}`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** @internal One spawned containerd and the promise of its end. */
export interface Child {
  process: ChildProcess;
  pid: number | undefined;
  /** Settles once, when the process is gone, for whatever reason; never rejects. */
  exited: Promise<DaemonExit>;
}

/** @internal What {@link spawnChild} runs. */
export interface SpawnSpec {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Appends stdout and stderr here; without it they are discarded. */
  logPath?: string;
}

/**
 * @internal Starts containerd. Output goes straight to the log file (a pipe would need draining
 * and would die with us, taking containerd down with SIGPIPE).
 */
export function spawnChild(spec: SpawnSpec): Child {
  const log = spec.logPath ? openSync(spec.logPath, "a") : "ignore";
  let child: ChildProcess;
  try {
    child = spawn(spec.binary, spec.args, { stdio: ["ignore", log, log], env: spec.env });
  } finally {
    if (typeof log === "number") closeSync(log);
  }
  const exited = new Promise<DaemonExit>((resolve) => {
    const done = (exit: DaemonExit): void => {
      child.off("exit", onExit);
      child.off("error", onError);
      debug("containerd %d %s", child.pid, describeExit(exit));
      resolve(exit);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      done({ pid: child.pid, code, signal });
    const onError = (error: Error): void => done({ pid: child.pid, code: null, signal: null, error });
    child.on("exit", onExit);
    child.on("error", onError);
  });
  debug("containerd %d started: %s %s", child.pid, spec.binary, spec.args.join(" "));
  return { process: child, pid: child.pid, exited };
}

/**
 * @internal Sends `signal`, then SIGKILL if the process is still there after `graceMs`; resolves
 * once it is gone. The grace timer is cleared whichever way it ends.
 */
export async function stopChild(child: Child, signal: NodeJS.Signals, graceMs: number): Promise<DaemonExit> {
  child.process.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), graceMs);
  });
  try {
    if ((await Promise.race([child.exited, late])) === "late") {
      debug("containerd %d ignored %s for %d ms; SIGKILL", child.pid, signal, graceMs);
      child.process.kill("SIGKILL");
    }
  } finally {
    clearTimeout(timer);
  }
  return child.exited;
}
