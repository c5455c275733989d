import { type OperationOptions, rawOptions } from "../base/call-options.js";
import type { HandleContext } from "../containers/handle-context.js";
import { isNotFound } from "../errors/index.js";
import type { ExitStatus } from "../events/event.js";

/** @internal Which process a handle stands for; `execId` is `""` for a task's init process. */
export interface ProcessRef {
  readonly ctx: HandleContext;
  readonly containerId: string;
  readonly execId: string;
}

/** @internal The two RPCs in which a task's init process and an exec differ. */
export interface Lifecycle {
  /** Tasks.Start (and what must come before it); resolves with the pid. */
  start(ref: ProcessRef, options: OperationOptions): Promise<number>;
  /** Tasks.Delete or Tasks.DeleteProcess; resolves with the exit containerd kept. */
  delete(ref: ProcessRef, options: OperationOptions): Promise<ExitStatus>;
}

/** @internal An exit as containerd reports it in a delete or get answer. */
export function toExitStatus(res: { exitStatus: number; exitedAt?: Date | undefined }): ExitStatus {
  return { exitCode: res.exitStatus, exitedAt: res.exitedAt ?? new Date(0) };
}

/** @internal How messages name the process: `task "web" in namespace "default"`. */
export function describeProcess({ ctx, containerId, execId }: ProcessRef): string {
  const what = execId ? `process "${execId}" of task "${containerId}"` : `task "${containerId}"`;
  return `${what} in namespace "${ctx.namespace}"`;
}

async function startRpc(
  { ctx, containerId, execId }: ProcessRef,
  options: OperationOptions,
): Promise<number> {
  const res = await ctx.services.tasks.start({ containerId, execId }, rawOptions(options, ctx.namespace));
  return res.pid;
}

/**
 * @internal A task's init process. Its start waits for the event stream to be live, so the exit
 * cannot be missed; its delete records that the container has no task any more.
 */
export const taskLifecycle: Lifecycle = {
  async start(ref, { signal, timeout }) {
    await ref.ctx.hub.ready(ref.ctx.namespace, { signal, timeout });
    return startRpc(ref, { signal, timeout });
  },
  async delete({ ctx, containerId }, options) {
    const { hub, namespace } = ctx;
    const token = hub.presenceToken(namespace);
    try {
      const res = await ctx.services.tasks.delete({ containerId }, rawOptions(options, namespace));
      hub.setTaskPresence(namespace, containerId, "none", token);
      return toExitStatus(res);
    } catch (err) {
      if (isNotFound(err)) hub.setTaskPresence(namespace, containerId, "none", token);
      throw err;
    }
  },
};

/** @internal An exec'd process: started and deleted by its exec id. */
export const execLifecycle: Lifecycle = {
  start: startRpc,
  async delete({ ctx, containerId, execId }, options) {
    const res = await ctx.services.tasks.deleteProcess(
      { containerId, execId },
      rawOptions(options, ctx.namespace),
    );
    return toExitStatus(res);
  },
};
