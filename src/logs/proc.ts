import { constants, readFileSync, readlinkSync } from "node:fs";
import { LOG_DEFAULTS, type LogConfig } from "./options.js";

/** @internal What a logger process's /proc entries say: who it logs for and where. */
export interface LoggerProcess {
  pid: number;
  namespace: string;
  id: string;
  /** The file and its limits, from the binary URI's query (the shim passes it as arguments). */
  config: LogConfig & { path: string };
}

/** Flags for the daemon's own descriptions of a logger's pipes (the shim's stay as they are; libuv adds O_CLOEXEC). */
export const PIPE_READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;
export const PIPE_WRITE_FLAGS = constants.O_WRONLY | constants.O_NONBLOCK;

function nulFields(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return (text.endsWith("\0") ? text.slice(0, -1) : text).split("\0");
}

/** A positive integer from `value`, else `fallback`. */
function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * @internal Reads a logger's /proc entries: undefined when `pid` is gone or is not `/bin/sh
 * <script>` (a pid reused by another process), or its pipes are not pipes.
 */
export function readLoggerProcess(pid: number, script: string): LoggerProcess | undefined {
  let argv: string[];
  let env: string[];
  try {
    argv = nulFields(`/proc/${pid}/cmdline`);
    if (argv[1] !== script) return undefined;
    env = nulFields(`/proc/${pid}/environ`);
    for (const fd of [3, 4]) if (!readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("pipe:")) return undefined;
  } catch {
    return undefined;
  }
  const vars = new Map(env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  const args = new Map<string, string>();
  // Go's exec gets the query as `key value` pairs, in map order.
  for (let i = 2; i + 1 < argv.length; i += 2) args.set(argv[i] as string, argv[i + 1] as string);
  const namespace = vars.get("CONTAINER_NAMESPACE") ?? "";
  const id = vars.get("CONTAINER_ID") ?? "";
  const path = args.get("path");
  if (!namespace || !id || !path?.startsWith("/")) return undefined;
  return {
    pid,
    namespace,
    id,
    config: {
      path,
      maxSize: positive(args.get("max-size"), LOG_DEFAULTS.maxSize),
      maxFiles: positive(args.get("max-files"), LOG_DEFAULTS.maxFiles),
    },
  };
}

/** @internal Whether `pid`'s parent is a containerd shim (which will SIGTERM it at task delete). */
export function parentIsShim(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
    return readFileSync(`/proc/${ppid}/comm`, "utf8").startsWith("containerd-shim");
  } catch {
    return false;
  }
}
