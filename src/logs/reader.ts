import { syncLogs } from "./daemon-client.js";
import { FileWatch, FollowedFile } from "./follow.js";
import { logLayout } from "./layout.js";
import { backwardLines, forwardLines } from "./lines.js";
import { logPath, type OpenLogFile, openLogFiles, rotatedFiles } from "./log-files.js";
import { checkLogsOptions, type LogEntry, type LogsOptions, type LogsQuery } from "./options.js";
import { parseLine, wanted } from "./record.js";
import { type TaskSource, taskEnded } from "./task-end.js";

/** The last `n` wanted entries of `files` (oldest file first), in order. */
async function tailEntries(files: OpenLogFile[], n: number, query: LogsQuery): Promise<LogEntry[]> {
  const found: LogEntry[] = [];
  for (const file of [...files].reverse()) {
    for await (const line of backwardLines(file.handle, file.end)) {
      if (found.length >= n) return found.reverse();
      const entry = parseLine(line);
      if (entry && entry !== "end" && wanted(entry, query)) found.push(entry);
    }
  }
  return found.slice(0, n).reverse();
}

/** The wanted entries of `files` up to where each ended when opened. */
async function* history(files: OpenLogFile[], query: LogsQuery): AsyncGenerator<LogEntry> {
  if (query.tail !== undefined) {
    yield* await tailEntries(files, query.tail, query);
    return;
  }
  for (const file of files) {
    for await (const line of forwardLines(file.handle, { offset: 0 }, file.end)) {
      const entry = parseLine(line);
      if (entry && entry !== "end" && wanted(entry, query)) yield entry;
    }
  }
}

/**
 * New entries of the current file until the task ends (then what the daemon still had is read
 * first), its logger writes its end record, or `signal` aborts.
 */
async function* follow(
  current: FollowedFile,
  watch: FileWatch,
  source: TaskSource,
  query: LogsQuery,
  signal: AbortSignal,
): AsyncGenerator<LogEntry> {
  let ended = false;
  const end = () => {
    ended = true;
    watch.notify();
  };
  // A closed client ends the follow as the task's end would.
  taskEnded(source, signal).then(end, end);
  const layout = logLayout();
  while (!signal.aborted) {
    const last = ended;
    if (last) await syncLogs(layout, source.namespace, source.id, true);
    for await (const line of current.lines()) {
      const entry = parseLine(line);
      if (entry === "end") return;
      if (entry && wanted(entry, query)) yield entry;
      if (signal.aborted) return;
    }
    if (last) return;
    await watch.changed();
  }
}

/**
 * @internal `container.logs()`: the container's log entries, oldest first, filtered; with `follow`,
 * then new ones until the task ends or the signal aborts.
 *
 * @throws InvalidArgumentError naming a bad option; NotFoundError when the container has no logs.
 */
export async function* readLogs(source: TaskSource, options?: LogsOptions): AsyncGenerator<LogEntry> {
  const query = checkLogsOptions(options);
  if (query.signal?.aborted) return;
  const layout = logLayout();
  const path = await logPath(layout, source.namespace, source.id);
  // What the container wrote before this call is in the file before it is read.
  await syncLogs(layout, source.namespace, source.id, false);
  const files = await openLogFiles(await rotatedFiles(path));
  const stop = new AbortController();
  const signal = query.signal ? AbortSignal.any([query.signal, stop.signal]) : stop.signal;
  const onAbort = () => watch?.notify();
  // Watching starts before the history is read, so nothing written meanwhile is missed.
  const watch = query.follow ? new FileWatch(path) : undefined;
  signal.addEventListener("abort", onAbort);
  // The follower takes over the current file's handle, if it was there.
  const current = files.at(-1)?.path === path ? files.at(-1) : undefined;
  const followed = query.follow ? new FollowedFile(path, current?.handle, current?.end ?? 0) : undefined;
  try {
    for await (const entry of history(files, query)) {
      if (signal.aborted) return;
      yield entry;
    }
    if (followed && watch) yield* follow(followed, watch, source, query, signal);
  } finally {
    stop.abort();
    signal.removeEventListener("abort", onAbort);
    watch?.close();
    for (const file of files) if (!followed || file !== current) await file.handle.close();
    await followed?.close();
  }
}
