import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../errors/index.js";
import type { LogBinaryOption } from "../io/index.js";
import { holdDaemon } from "./daemon-client.js";
import { daemonCommand } from "./daemon-command.js";
import { containerLogDir, LOG_FILE, logLayout, pathPointer } from "./layout.js";
import { checkLogOption } from "./options.js";
import { installLogger } from "./script.js";

/** @internal The options of newTask this module reads. */
export interface TaskLogInput {
  log?: unknown;
  logPath?: unknown;
  logBinary?: unknown;
  stdio?: unknown;
}

/** @internal The container whose task logs; `remote` when containerd is reached over TCP. */
export interface LogTarget {
  namespace: string;
  id: string;
  remote?: boolean;
}

/**
 * @internal Creates a task whose stdout and stderr go to the container's log: checks `log`,
 * installs the logger script, makes sure the logging daemon runs (holding a connection so it
 * cannot go idle meanwhile) and calls `create` with the binary the shim must start.
 *
 * @throws InvalidArgumentError naming `log`, `log.maxSize`, `log.maxFiles` or `log.path`, or
 * `log` for a remote daemon.
 */
export async function withTaskLog<T>(
  target: LogTarget,
  options: TaskLogInput,
  create: (logBinary: LogBinaryOption) => Promise<T>,
): Promise<T> {
  const { namespace, id } = target;
  const config = checkLogOption(options.log);
  if (target.remote) {
    // The shim runs the logger on containerd's host, and the daemon writes files there.
    throw new InvalidArgumentError("log: needs containerd on this host (not over TCP); use logBinary", {
      field: "log",
    });
  }
  if (options.logPath !== undefined || options.logBinary !== undefined) {
    throw new InvalidArgumentError("log: give log, logPath or logBinary, not several", { field: "log" });
  }
  if (options.stdio !== undefined && options.stdio !== "ignore") {
    throw new InvalidArgumentError('stdio must be "ignore" with log: the log receives stdout and stderr', {
      field: "stdio",
    });
  }
  const layout = logLayout();
  const command = daemonCommand();
  await installLogger(layout, command);
  const dir = containerLogDir(layout, namespace, id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pointer = pathPointer(layout, namespace, id);
  if (config.path === undefined) await rm(pointer, { force: true });
  else await writeFile(pointer, config.path);
  const daemon = await holdDaemon(layout, command);
  try {
    return await create({
      path: layout.script,
      args: {
        path: config.path ?? join(dir, LOG_FILE),
        "max-size": String(config.maxSize),
        "max-files": String(config.maxFiles),
      },
    });
  } finally {
    daemon.release();
  }
}
