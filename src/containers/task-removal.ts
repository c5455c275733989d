/**
 * A container's task seen and removed with raw Tasks calls, for `container.delete({ force })`: no
 * Task handle is needed, and the event hub's record of task presence spares an RPC when it knows.
 *
 * @module
 */
import type { StubCallOptions } from "../base/call-options.js";
import { isNotFound } from "../errors/index.js";
import { retryWhileShimCleansUp } from "../runtime/dead-shim.js";
import { toProcessState } from "../runtime/process-status.js";
import { signalNumber } from "../runtime/signals.js";
import type { HandleContext } from "./handle-context.js";

/** @internal Whether a container has a task, and whether it may still be running. */
export type TaskState = "none" | "stopped" | "live";

/** @internal What the hub knows of container `id`'s task, else what Tasks.Get says. */
export async function taskState(ctx: HandleContext, id: string, call: StubCallOptions): Promise<TaskState> {
  const presence = ctx.hub.taskPresence(ctx.namespace, id);
  if (presence !== "unknown") return presence === "present" ? "live" : "none";
  try {
    const res = await ctx.services.tasks.get({ containerId: id, execId: "" }, call);
    return res.process && toProcessState(res.process.status) === "stopped" ? "stopped" : "live";
  } catch (err) {
    if (isNotFound(err)) return "none";
    throw err;
  }
}

/**
 * @internal Kills every process of a live task (SIGKILL; a stopped one answers NotFound), waits for
 * the exit with Tasks.Wait (at once for a stopped task) and deletes the task; quiet if it is gone.
 */
export async function removeTask(
  ctx: HandleContext,
  id: string,
  state: TaskState,
  call: StubCallOptions,
): Promise<void> {
  const { services, hub, namespace } = ctx;
  const init = { containerId: id, execId: "" };
  try {
    if (state === "live") {
      await services.tasks.kill({ ...init, signal: signalNumber("SIGKILL"), all: true }, call).catch(quiet);
      await services.tasks.wait(init, call);
    }
    const token = hub.presenceToken(namespace);
    await retryWhileShimCleansUp(call.signal, () => services.tasks.delete({ containerId: id }, call));
    hub.setTaskPresence(namespace, id, "none", token);
  } catch (err) {
    quiet(err);
  }
}

/** @internal Swallows NotFoundError: what is already gone stays quiet. */
export function quiet(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
