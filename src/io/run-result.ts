import type { Readable, Writable } from "node:stream";
import type { OperationOptions } from "../base/call-options.js";
import { invalid } from "../base/validate.js";

/** What a one-shot run (`client.run`, `task.run`) takes beside the process's own options. */
export interface RunIOOptions {
  /** Written to the process's stdin, which is then closed. */
  input?: string | Uint8Array;
  /**
   * How stdout and stderr are decoded: a Buffer encoding (default `"utf8"`), or `"buffer"` for
   * the bytes as they came, as Buffers (binary output), as with child_process.execFile.
   */
  encoding?: BufferEncoding | "buffer";
}

/** What a one-shot run resolves to: strings, or Buffers with `encoding: "buffer"`. */
export interface RunResult<Output extends string | Buffer = string> {
  exitCode: number;
  exitedAt: Date;
  /** Everything the process wrote to stdout. */
  stdout: Output;
  /** Everything the process wrote to stderr. */
  stderr: Output;
}

/**
 * @internal The stdio a one-shot run needs (stdin only when there is input to give), once `input`
 * and `encoding` are checked.
 */
export function runStdio({ input, encoding }: RunIOOptions) {
  if (input !== undefined && typeof input !== "string" && !(input instanceof Uint8Array)) {
    throw invalid("input", input, "must be a string or a Uint8Array");
  }
  if (encoding !== undefined && encoding !== "buffer" && !Buffer.isEncoding(encoding)) {
    throw invalid("encoding", encoding, 'must be "buffer" or a Buffer encoding such as "utf8"');
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
 * deletes it; on any failure it force-deletes, so nothing is left behind. Each step gets the
 * caller's `signal` and `timeout`.
 */
export async function collectOutput(
  process: RunnableProcess,
  { signal, timeout, input, encoding = "utf8" }: OperationOptions & RunIOOptions,
): Promise<RunResult<string | Buffer>> {
  const call = { signal, timeout };
  const stdout = readAll(process.stdout);
  const stderr = readAll(process.stderr);
  try {
    await process.start(call);
    if (input !== undefined) {
      process.stdin?.end(input);
      await process.closeStdin(call);
    }
    await process.wait(call);
    const { exitCode, exitedAt } = await process.delete(call);
    const decode = (bytes: Buffer) => (encoding === "buffer" ? bytes : bytes.toString(encoding));
    return { exitCode, exitedAt, stdout: decode(await stdout), stderr: decode(await stderr) };
  } catch (err) {
    await process.delete({ force: true }).catch(() => {});
    throw err;
  }
}

async function readAll(stream: Readable | null): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch {
    // The stream is destroyed when the process is force-deleted; what arrived is kept.
  }
  return Buffer.concat(chunks);
}
