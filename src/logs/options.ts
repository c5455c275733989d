import { isAbsolute } from "node:path";
import { checkBoolean, checkInteger, invalid, isRecord } from "../base/validate.js";

/** Where and how much of a task's output is kept; see `newTask({ log })`. */
export interface LogFileOptions {
  /** Bytes a log file may reach before it is rotated. Default 10 MiB. */
  maxSize?: number;
  /** Files kept: the current one plus `maxFiles - 1` rotated ones (`<file>.1`, …). Default 3. */
  maxFiles?: number;
  /** Absolute path of the log file; default `<log dir>/<namespace>/<container id>/json.log`. */
  path?: string;
}

/** `newTask({ log })`: `true` for the defaults, or the file's limits and path. */
export type LogOption = true | LogFileOptions;

/** @internal A checked {@link LogOption}; `path` undefined means the default file. */
export interface LogConfig {
  maxSize: number;
  maxFiles: number;
  path: string | undefined;
}

/** @internal Docker's usual json-file settings (`max-size=10m`, `max-file=3`). */
export const LOG_DEFAULTS = { maxSize: 10 * 1024 * 1024, maxFiles: 3 } as const;

/**
 * @internal Checks `newTask`'s `log` option before anything is created.
 * @throws InvalidArgumentError naming `log`, `log.maxSize`, `log.maxFiles` or `log.path`.
 */
export function checkLogOption(value: unknown): LogConfig {
  if (value === true) return { ...LOG_DEFAULTS, path: undefined };
  if (!isRecord(value)) throw invalid("log", value, "must be true or { maxSize, maxFiles, path }");
  const maxSize =
    value.maxSize === undefined ? LOG_DEFAULTS.maxSize : checkInteger("log.maxSize", value.maxSize, 1);
  const maxFiles =
    value.maxFiles === undefined
      ? LOG_DEFAULTS.maxFiles
      : checkInteger("log.maxFiles", value.maxFiles, 1, 1000);
  const path = value.path;
  if (path !== undefined && (typeof path !== "string" || !isAbsolute(path) || path.endsWith("/"))) {
    throw invalid("log.path", path, "must be an absolute file path");
  }
  return { maxSize, maxFiles, path };
}

/** What `container.logs()` takes. */
export interface LogsOptions {
  /** Keep yielding new entries until the task exits or `signal` aborts. Default false. */
  follow?: boolean;
  /** Only the last `tail` entries (of the streams asked for) before following. Default: all. */
  tail?: number;
  /** Only entries at or after this time. */
  since?: Date;
  /** Only entries before this time. */
  until?: Date;
  /** Include stdout. Default true. */
  stdout?: boolean;
  /** Include stderr. Default true. */
  stderr?: boolean;
  /** Ends the iteration (quietly) when aborted. */
  signal?: AbortSignal;
}

/** One entry of a container's log: one line (or part of a line over 16 KiB) of stdout or stderr. */
export interface LogEntry {
  /** Which of the task's output streams the text came from. */
  stream: "stdout" | "stderr";
  /** When the logging daemon read it from the pipe. */
  time: Date;
  /** The text, with its trailing newline when the line had one. */
  data: string;
}

/** @internal A checked {@link LogsOptions}. */
export interface LogsQuery {
  follow: boolean;
  tail: number | undefined;
  since: number | undefined;
  until: number | undefined;
  streams: ReadonlySet<string>;
  signal: AbortSignal | undefined;
}

function checkDate(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalid(field, value, "must be a valid Date");
  }
  return value.getTime();
}

/**
 * @internal Checks `container.logs()`'s options.
 * @throws InvalidArgumentError naming the field.
 */
export function checkLogsOptions(options: unknown): LogsQuery {
  if (options === undefined || options === null) options = {};
  if (!isRecord(options)) throw invalid("options", options, "must be an options object");
  const o = options as LogsOptions;
  const streams = new Set<string>();
  if (o.stdout === undefined || checkBoolean("stdout", o.stdout)) streams.add("stdout");
  if (o.stderr === undefined || checkBoolean("stderr", o.stderr)) streams.add("stderr");
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalid("signal", o.signal, "must be an AbortSignal");
  }
  return {
    follow: o.follow === undefined ? false : checkBoolean("follow", o.follow),
    tail: o.tail === undefined ? undefined : checkInteger("tail", o.tail, 0),
    since: checkDate("since", o.since),
    until: checkDate("until", o.until),
    streams,
    signal: o.signal,
  };
}
