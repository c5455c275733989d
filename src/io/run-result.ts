import type { Readable, Writable } from "node:stream";
import type { OperationOptions } from "../base/call-options.js";
import { invalid } from "../base/validate.js";

/** What a one-shot run resolves to. */
export interface RunResult {
  exitCode: number;
  exitedAt: Date;
  /** Everything the process wrote to stdout, as UTF-8. */
  stdout: string;
  /** Everything the process wrote to stderr, as UTF-8. */
  stderr: string;
}

/** @internal The stdio a one-shot run needs: stdin only when there is input to give. */
export function runStdio(input: unknown) {
  if (input !== undefined && typeof input !== "string" && !(input instanceof Uint8Array)) {
    throw invalid("input", input, "must be a string or a Uint8Array");
  }
  return { stdin: input === undefined ? "ignore" : "pipe", stdout: "pipe", stderr: "pipe" } as const;
}

/** @internal What `collectOutput` drives: a created Task or Process handle. */
export interface RunnableProcess {
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  start(options?: OperationOptions): Promise<unknown>;
  closeStdin(options?: OperationOptions): Promise<void>;
  wait(options?: OperationOptions): Promise<unknown>;
  delete(options?: OperationOptions & { force?: boolean }): Promise<{ exitCode: number; exitedAt: Date }>;
}

/**
 * @internal Starts a created process, feeds `input`, collects stdout and stderr, waits, and
 * deletes it; on any failure it force-deletes, so nothing is left behind.
 */
export async function collectOutput(
  process: RunnableProcess,
  options: OperationOptions & { input?: string | Uint8Array },
): Promise<RunResult> {
  const stdout = readAll(process.stdout);
  const stderr = readAll(process.stderr);
  try {
    await process.start(options);
    if (options.input !== undefined) {
      process.stdin?.end(options.input);
      await process.closeStdin(options);
    }
    await process.wait(options);
    const { exitCode, exitedAt } = await process.delete(options);
    return { exitCode, exitedAt, stdout: await stdout, stderr: await stderr };
  } catch (err) {
    await process.delete({ force: true }).catch(() => {});
    throw err;
  }
}

async function readAll(stream: Readable | null): Promise<string> {
  if (!stream) return "";
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch {
    // The stream is destroyed when the process is force-deleted; what arrived is kept.
  }
  return Buffer.concat(chunks).toString("utf8");
}
