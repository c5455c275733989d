import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { LogLayout } from "./layout.js";

/** Quotes `s` for sh: single quotes, with each `'` closed, escaped and reopened. */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * @internal The per-container logger the shim runs, baked with absolute paths. It uses sh builtins
 * only, so each container costs one idle shell (about 100 KiB of private memory) and no Node.
 */
export function loggerScript(layout: LogLayout, daemon: string[]): string {
  const hold = shQuote(layout.hold);
  return `#!/bin/sh
# containerd-sdk's per-container logger, written by the SDK: do not edit. containerd's shim starts
# it at task create with the task's stdout on fd 3, stderr on fd 4 and a ready pipe on fd 5. It
# announces its pid; the SDK's logging daemon opens /proc/<pid>/fd/3 and /fd/4 (the same pipes),
# writes the ready byte to fd 5 and keeps the log file. This shell only holds the pipes (so that a
# restarted daemon can take them again) until the shim's SIGTERM at task delete. Builtins only.
: > ${shQuote(`${layout.loggers}/`)}$$ || exit 1
while [ -p ${hold} ]; do
  # Blocks while the daemon holds the FIFO open for writing; returns when it is gone.
  read -r _ < ${hold}
  if { set -C; true > ${shQuote(layout.lock)}; } 2>/dev/null; then
    ${daemon.map(shQuote).join(" ")} ${shQuote(layout.root)} </dev/null >/dev/null 2>&1 3<&- 4<&- 5>&- &
  fi
  set +C
done
`;
}

async function ensureFifo(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat?.isFIFO()) return;
  if (stat) throw new Error(`containerd-sdk: ${path} exists and is not a FIFO`);
  await promisify(execFile)("mkfifo", ["-m", "600", path]).catch(async (err: unknown) => {
    // Another process made it first.
    if (!(await lstat(path).catch(() => undefined))?.isFIFO()) throw err;
  });
}

/**
 * @internal Makes the log directory's fixed files: the loggers' directory, the hold FIFO and the
 * script (rewritten, atomically, when this SDK would write it differently).
 */
export async function installLogger(layout: LogLayout, daemon: string[]): Promise<void> {
  await mkdir(layout.loggers, { recursive: true, mode: 0o700 });
  await ensureFifo(layout.hold);
  const text = loggerScript(layout, daemon);
  if ((await readFile(layout.script, "utf8").catch(() => "")) === text) return;
  // Unique per call: services started at once in one process install it concurrently.
  const temp = `${layout.script}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(temp, text, { mode: 0o755 });
  await rename(temp, layout.script);
}
