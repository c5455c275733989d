import type { Readable, Writable } from "node:stream";
import { InvalidArgumentError } from "../errors/index.js";
import { binaryLogUri, fileLogUri, type LogBinaryOption } from "./log-uri.js";

/** Where a process's stdin comes from: a caller's Readable, a new Writable (`"pipe"`), or nothing. */
export type StdinOption = Readable | "pipe" | "ignore";

/**
 * Where stdout or stderr goes: a caller's Writable, a new Readable (`"pipe"`), or nowhere.
 *
 * A caller's Writable is ended once all output routed to it has arrived (after both stdout and stderr
 * when it receives both), as `stream.pipeline` would; `process.stdout` and `process.stderr` are never
 * ended. An error on the Writable stops the copy to it and the rest is discarded, so the container never
 * stalls on a full pipe.
 */
export type OutputOption = Writable | "pipe" | "ignore";

/** Per-stream stdio; a stream left out is `"ignore"`. */
export interface StdioStreams {
  stdin?: StdinOption;
  stdout?: OutputOption;
  stderr?: OutputOption;
}

/**
 * A process's stdio. `"pipe"`: new Node streams for all three. `"inherit"`: this process's stdin,
 * stdout and stderr (copied, as with `child_process`'s `"inherit"`; never ended). `"ignore"`: null IO,
 * no FIFOs at all. With a terminal there is no stderr: the pty merges it into stdout.
 */
export type StdioOption = "pipe" | "inherit" | "ignore" | StdioStreams;

/** The stdio-related options of a process. */
export interface StdioSpec {
  /** Defaults to `"ignore"`. Must be `"ignore"` (or all-ignore) with `logPath` or `logBinary`. */
  stdio?: StdioOption;
  /** The process has a terminal. */
  terminal?: boolean;
  /** Absolute path of a file the shim appends stdout and stderr to; no stdin. */
  logPath?: string;
  /** A logging binary the shim starts for stdout and stderr; no stdin. */
  logBinary?: LogBinaryOption;
}

/** @internal How one input stream is served. */
export type InputPlan = { kind: "none" } | { kind: "pipe" } | { kind: "source"; source: Readable };

/** @internal How one output stream is served; `end` says whether the sink is ended afterwards. */
export type OutputPlan = { kind: "none" } | { kind: "pipe" } | { kind: "sink"; sink: Writable; end: boolean };

/** @internal A validated {@link StdioSpec}: either a log URI or per-stream plans. */
export interface StdioPlan {
  stdin: InputPlan;
  stdout: OutputPlan;
  stderr: OutputPlan;
  terminal: boolean;
  /** Set for `logPath`/`logBinary`: the URI for both stdout and stderr. */
  logUri?: string;
}

const NONE = { kind: "none" } as const;
const PIPE = { kind: "pipe" } as const;

function isReadable(value: unknown): value is Readable {
  return typeof value === "object" && value !== null && typeof (value as Readable).pipe === "function";
}

function isWritable(value: unknown): value is Writable {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Writable).write === "function" &&
    typeof (value as Writable).end === "function"
  );
}

function inputPlan(value: unknown, field: string): InputPlan {
  if (value === undefined || value === "ignore") return NONE;
  if (value === "pipe") return PIPE;
  if (isReadable(value)) return { kind: "source", source: value };
  throw new InvalidArgumentError(`${field} must be a Readable, "pipe" or "ignore"`, { field });
}

function outputPlan(value: unknown, field: string): OutputPlan {
  if (value === undefined || value === "ignore") return NONE;
  if (value === "pipe") return PIPE;
  if (isWritable(value)) {
    // Ending the process's own stdout/stderr would break every later write to them.
    const end = value !== process.stdout && value !== process.stderr;
    return { kind: "sink", sink: value, end };
  }
  throw new InvalidArgumentError(`${field} must be a Writable, "pipe" or "ignore"`, { field });
}

/**
 * Validates a {@link StdioSpec} and says how each stream is served. Nothing is created, so a bad spec
 * fails before any FIFO, descriptor or RPC exists.
 *
 * @internal
 * @throws InvalidArgumentError naming the offending field.
 */
export function planStdio(spec: StdioSpec): StdioPlan {
  const terminal = spec.terminal === true;
  const stdio = spec.stdio ?? "ignore";
  let plan: StdioPlan;
  if (stdio === "ignore") {
    plan = { stdin: NONE, stdout: NONE, stderr: NONE, terminal };
  } else if (stdio === "pipe") {
    plan = { stdin: PIPE, stdout: PIPE, stderr: terminal ? NONE : PIPE, terminal };
  } else if (stdio === "inherit") {
    plan = {
      stdin: { kind: "source", source: process.stdin },
      stdout: { kind: "sink", sink: process.stdout, end: false },
      stderr: terminal ? NONE : { kind: "sink", sink: process.stderr, end: false },
      terminal,
    };
  } else if (typeof stdio === "object" && stdio !== null) {
    plan = {
      stdin: inputPlan(stdio.stdin, "stdio.stdin"),
      stdout: outputPlan(stdio.stdout, "stdio.stdout"),
      stderr: outputPlan(stdio.stderr, "stdio.stderr"),
      terminal,
    };
    if (terminal && plan.stderr.kind !== "none") {
      throw new InvalidArgumentError("stdio.stderr: a terminal has no separate stderr (the pty merges it)", {
        field: "stdio.stderr",
      });
    }
  } else {
    throw new InvalidArgumentError(`stdio must be "pipe", "inherit", "ignore" or { stdin, stdout, stderr }`, {
      field: "stdio",
    });
  }

  if (spec.logPath !== undefined && spec.logBinary !== undefined) {
    throw new InvalidArgumentError("logPath and logBinary are mutually exclusive", { field: "logBinary" });
  }
  const logUri =
    spec.logPath !== undefined
      ? fileLogUri(spec.logPath, "logPath")
      : spec.logBinary !== undefined
        ? binaryLogUri(spec.logBinary, "logBinary")
        : undefined;
  if (logUri === undefined) return plan;
  if (plan.stdin.kind !== "none" || plan.stdout.kind !== "none" || plan.stderr.kind !== "none") {
    const option = spec.logPath !== undefined ? "logPath" : "logBinary";
    throw new InvalidArgumentError(
      `stdio must be "ignore" with ${option}: the log receives stdout and stderr`,
      {
        field: "stdio",
      },
    );
  }
  return { ...plan, logUri };
}
