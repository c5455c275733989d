import { createHash } from "node:crypto";
import { isAbsolute, join } from "node:path";
import { InvalidArgumentError } from "../errors/index.js";

/** The environment variable naming the log directory (default {@link DEFAULT_LOG_DIR}). */
export const LOG_DIR_ENV = "CONTAINERD_SDK_LOG_DIR";

/** Where logs and the logging daemon's files live unless `$CONTAINERD_SDK_LOG_DIR` says otherwise. */
export const DEFAULT_LOG_DIR = "/var/lib/containerd-sdk/logs";

/** The file name of a container's log in its directory (rotated ones get `.1`, `.2`, …). */
export const LOG_FILE = "json.log";

/**
 * @internal The files of one log directory. Namespaces and container ids start with a letter or
 * digit, so the daemon's own files start with a dot.
 */
export interface LogLayout {
  root: string;
  /** The per-container logger the shim runs (a POSIX sh script). */
  script: string;
  /** The static program the script `exec`s into while the daemon holds its pipes (x86-64 only). */
  holder: string;
  /** A FIFO the daemon holds open for writing: loggers block reading it, and wake when it dies. */
  hold: string;
  /** Created (exclusively) by the one logger that restarts a dead daemon. */
  lock: string;
  /** One empty file per logger, named by its pid: how loggers announce themselves. */
  loggers: string;
  /** The daemon's unix socket, in the abstract namespace: freed when the daemon dies, so no stale file. */
  socket: string;
}

/** The last layout made: every container delete asks for it, and the digest costs a hash. */
let last: LogLayout | undefined;

/** @internal The layout of `root` (default: `$CONTAINERD_SDK_LOG_DIR` or {@link DEFAULT_LOG_DIR}). */
export function logLayout(root = process.env[LOG_DIR_ENV] || DEFAULT_LOG_DIR): LogLayout {
  if (last?.root === root) return last;
  if (!isAbsolute(root)) {
    throw new InvalidArgumentError(`${LOG_DIR_ENV}: "${root}" must be an absolute path`, {
      field: LOG_DIR_ENV,
    });
  }
  const digest = createHash("sha256").update(root).digest("hex").slice(0, 24);
  last = Object.freeze({
    root,
    script: join(root, ".logger"),
    holder: join(root, ".holder"),
    hold: join(root, ".hold"),
    lock: join(root, ".restart-lock"),
    loggers: join(root, ".loggers"),
    socket: `\0containerd-sdk-logs-${digest}`,
  });
  return last;
}

/** @internal The directory of one container's logs. */
export function containerLogDir(layout: LogLayout, namespace: string, id: string): string {
  return join(layout.root, namespace, id);
}

/**
 * @internal The file that records a `log.path` given at newTask, so `logs()` in any process finds
 * it; absent for the default file.
 */
export function pathPointer(layout: LogLayout, namespace: string, id: string): string {
  return join(containerLogDir(layout, namespace, id), "path");
}
