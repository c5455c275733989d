import { execFile } from "node:child_process";
import { lstat, mkdir } from "node:fs/promises";
import { promisify } from "node:util";
import { installHolder } from "./holder-install.js";
import type { LogLayout } from "./layout.js";
import { writeIfChanged } from "./write-if-changed.js";

/** Quotes `s` for sh: single quotes, with each `'` closed, escaped and reopened. */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The environment variable the script sets before it `exec`s the holder: back in the script, the daemon died. */
const HELD_ENV = "CONTAINERD_SDK_LOGGER_HELD";

const HEADER = `#!/bin/sh
# containerd-sdk's per-container logger, written by the SDK: do not edit. containerd's shim starts
# it at task create with the task's stdout on fd 3, stderr on fd 4 and a ready pipe on fd 5. It
# announces its pid; the SDK's logging daemon opens /proc/<pid>/fd/3 and /fd/4 (the same pipes),
# writes the ready byte to fd 5 and keeps the log file. The logger only holds the pipes (so that a
# restarted daemon can take them again) until the shim's SIGTERM at task delete. Builtins only.
`;

/** The line that starts the daemon in the background, with none of the logger's descriptors. */
function startDaemon(layout: LogLayout, daemon: string[]): string {
  return `${daemon.map(shQuote).join(" ")} ${shQuote(layout.root)} </dev/null >/dev/null 2>&1 3<&- 4<&- 5>&- 6<&- &`;
}

/** Creating the lock file exclusively: only one logger restarts a dead daemon. */
function takeLock(layout: LogLayout): string {
  return `{ set -C; true > ${shQuote(layout.lock)}; } 2>/dev/null`;
}

/**
 * @internal The per-container logger the shim runs, baked with absolute paths. With `holder`, it
 * waits in the holder (see holder.ts), which comes back here when the daemon dies; without, an idle
 * shell waits (about 230 KiB of private memory per container instead of 12).
 */
export function loggerScript(layout: LogLayout, daemon: string[], holder: boolean): string {
  const hold = shQuote(layout.hold);
  const wait = holder
    ? `if [ -n "\${${HELD_ENV}-}" ] && ${takeLock(layout)}; then
  ${startDaemon(layout, daemon)}
fi
set +C
if [ -x ${shQuote(layout.holder)} ] && [ -p ${hold} ]; then
  # Opening blocks until the daemon holds the FIFO open for writing; the holder reads it to EOF.
  exec 6< ${hold}
  export ${HELD_ENV}=1
  exec ${shQuote(layout.holder)} "$0" "$@"
fi
`
    : "";
  return `${HEADER}: > ${shQuote(`${layout.loggers}/`)}$$ || exit 1
${wait}while [ -p ${hold} ]; do
  # Blocks while the daemon holds the FIFO open for writing; returns when it is gone.
  read -r _ < ${hold}
  if ${takeLock(layout)}; then
    ${startDaemon(layout, daemon)}
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
 * @internal Makes the log directory's fixed files: the loggers' directory, the hold FIFO, the
 * holder where it runs, and the script (each rewritten, atomically, when this SDK would write it
 * differently).
 */
export async function installLogger(layout: LogLayout, daemon: string[]): Promise<void> {
  await mkdir(layout.loggers, { recursive: true, mode: 0o700 });
  await ensureFifo(layout.hold);
  const holder = await installHolder(layout.holder);
  await writeIfChanged(layout.script, loggerScript(layout, daemon, holder));
}
