// A test session's watchdog, a detached process of its own (see service/watchdog.ts). It holds the
// read end of a pipe whose write end only the session's process has: when that process ends, even
// by SIGKILL, the pipe closes, and the watchdog removes whatever the session left in containerd
// (nothing, after a clean exit) and exits. A check that the parent's pid still exists backs it up.
// No top-level await: the CommonJS build transforms this file too.
import { debug } from "./log.js";
import { type SessionTarget, sweepSession } from "./service/session-sweep.js";

const PARENT_CHECK_MS = 1_000;

function parentGone(ppid: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearInterval(timer);
      process.stdin.destroy();
      resolve();
    };
    const timer = setInterval(() => {
      try {
        process.kill(ppid, 0);
      } catch {
        done();
      }
    }, PARENT_CHECK_MS);
    process.stdin.once("end", done).once("close", done).once("error", done);
    process.stdin.resume();
  });
}

async function main(): Promise<void> {
  const { ppid, ...target } = JSON.parse(process.argv[2] ?? "{}") as SessionTarget & { ppid: number };
  await parentGone(ppid);
  debug("session %s: process %d is gone; sweeping", target.session, ppid);
  await sweepSession(target).catch((err: Error) => debug("sweep: %s", err.message));
}

void main().finally(() => process.exit(0));
