/**
 * `task.loadProcess`: a handle for an exec that already exists, made by this client before a
 * restart or by another client, as the Go client's `task.LoadProcess`.
 *
 * @module
 */
import { type CallOptions, rawOptions } from "./call-options.js";
import { InvalidArgumentError } from "./errors/index.js";
import type { HandleContext } from "./handle-context.js";
import { assertIdentifier } from "./identifiers.js";
import { attachStdio, type StdioSpec } from "./io/index.js";
import { Process } from "./process.js";
import { toProcessState } from "./process-status.js";

/** What `task.loadProcess()` takes. */
export interface LoadProcessOptions extends CallOptions, Pick<StdioSpec, "stdio"> {
  /** Re-open the process's FIFOs with `stdio` (default `"pipe"`), so output and stdin work again. */
  attach?: boolean;
}

/** One Tasks.Get for `execId` in the task `containerId`; NotFoundError when there is no such exec. */
export async function loadProcess(
  ctx: HandleContext,
  containerId: string,
  execId: string,
  options: LoadProcessOptions = {},
): Promise<Process> {
  assertIdentifier(execId, "execId");
  // The stream must be live before reading the state, or an exit in between would be lost.
  await ctx.hub.ready(ctx.namespace);
  const res = await ctx.services.tasks.get({ containerId, execId }, rawOptions(options, ctx.namespace));
  const p = res.process;
  if (!p)
    throw new InvalidArgumentError(`containerd returned no process "${execId}" for task "${containerId}"`);
  const state = toProcessState(p.status);
  const config = { stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, terminal: p.terminal };
  const io = options.attach
    ? await attachStdio({ stdio: options.stdio ?? "pipe", config, removeOnClose: true })
    : undefined;
  io?.attached();
  return new Process({
    ctx,
    containerId,
    execId,
    pid: state === "created" ? undefined : p.pid,
    io,
    started: state !== "created",
    exited: state === "stopped" ? { exitCode: p.exitStatus, exitedAt: p.exitedAt ?? new Date(0) } : undefined,
  });
}
