import type { LogEntry, LogsQuery } from "./options.js";

/** @internal One line of a log file: an entry, the end record of a task's logger, or neither (damaged). */
export type ParsedLine = LogEntry | "end" | undefined;

/** @internal Reads one json-file record. */
export function parseLine(line: string): ParsedLine {
  let record: { log?: unknown; stream?: unknown; time?: unknown; eof?: unknown };
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (record.eof === true) return "end";
  const { log, stream, time } = record;
  if (typeof log !== "string" || (stream !== "stdout" && stream !== "stderr") || typeof time !== "string") {
    return undefined;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : { stream, time: date, data: log };
}

/** @internal Whether `entry` passes the query's stream and time filters (tail aside). */
export function wanted(entry: LogEntry, query: LogsQuery): boolean {
  if (!query.streams.has(entry.stream)) return false;
  const t = entry.time.getTime();
  return (query.since === undefined || t >= query.since) && (query.until === undefined || t < query.until);
}
