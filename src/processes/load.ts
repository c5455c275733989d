import { checkCallOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import type { HandleContext } from "../containers/handle-context.js";
import { InvalidArgumentError } from "../errors/index.js";
import { attachStdio, type StdioSpec } from "../io/index.js";
import { refuseRemoteFifos } from "../io/remote.js";
import { toProcessState } from "../runtime/process-status.js";
import type { ProcessInit } from "./init.js";
import { describeProcess, toExitStatus } from "./lifecycle.js";

/** What loading an existing process takes: `container.task()` and `task.loadProcess()`. */
export interface AttachOptions extends OperationOptions {
  /** Re-open the process's FIFOs with `stdio`, so output and stdin work again. */
  attach?: boolean;
  /** With `attach`: where the process's stdio goes, as for `newTask` and `exec`. Default `"pipe"`. */
  stdio?: StdioSpec["stdio"];
}

/**
 * @internal Where the handle of an existing task (`execId` `""`) or exec starts: one Tasks.Get,
 * then with `attach` its FIFOs opened again. NotFoundError when containerd has no such process.
 */
export async function loadProcessInit(
  ctx: HandleContext,
  containerId: string,
  execId: string,
  options: AttachOptions | undefined,
): Promise<ProcessInit> {
  const { signal, timeout, attach, stdio = "pipe" } = checkCallOptions(options);
  if (attach && ctx.remote) refuseRemoteFifos("attach", "attach");
  const { services, hub, namespace } = ctx;
  // The stream must be live before reading the state, or an exit in between would be lost.
  await hub.ready(namespace, { signal, timeout });
  const token = hub.presenceToken(namespace);
  const { process: p } = await services.tasks.get({ containerId, execId }, rawOptions(options, namespace));
  if (!p)
    throw new InvalidArgumentError(`containerd returned no ${describeProcess({ ctx, containerId, execId })}`);
  hub.setTaskPresence(namespace, containerId, "present", token);
  const state = toProcessState(p.status);
  const config = { stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, terminal: p.terminal };
  const io = attach ? await attachStdio({ stdio, config, removeOnClose: true }) : undefined;
  io?.attached();
  return {
    ctx,
    containerId,
    execId,
    // containerd says 0 until it has a pid (an exec before its start); the record then waits for it.
    pid: p.pid === 0 ? undefined : p.pid,
    io,
    started: state !== "created",
    exited: state === "stopped" ? toExitStatus(p) : undefined,
  };
}
