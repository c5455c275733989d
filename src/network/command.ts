/**
 * Runs a host tool (a CNI plugin, iptables, ip, unshare, mount) with optional stdin, collecting its
 * output. One place for spawning, so every child is awaited and its pipes drained.
 *
 * @module
 */
import { spawn } from "node:child_process";

/** What a finished command said. */
export interface CommandResult {
  /** The exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCommand}. */
export interface CommandOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** The whole environment of the child (nothing is inherited when given). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Milliseconds before the child is killed. Default 60000: a plugin should never take that long. */
  timeout?: number;
}

/** The PATH tools get: the plugins look for `iptables` and `ip`, which live in /usr/sbin. */
export const TOOL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Runs `file` with `args` and resolves with its exit code and output; rejects only when it could not
 * be started (the error's `code` is `ENOENT` for a missing file) or was aborted.
 */
export function runCommand(
  file: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? { PATH: TOOL_PATH, LC_ALL: "C" },
      signal: options.signal,
      timeout: options.timeout ?? 60_000,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    // A child that exits before reading its input makes the write fail with EPIPE; the exit tells more.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command that must succeed; rejects with its stderr (or stdout) otherwise. */
export async function runChecked(
  file: string,
  args: string[],
  options: CommandOptions = {},
): Promise<string> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    const text = (result.stderr || result.stdout).trim();
    throw new Error(`${file} ${args.join(" ")}: exit ${result.code}: ${text}`);
  }
  return result.stdout;
}
