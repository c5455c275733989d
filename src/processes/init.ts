import type { HandleContext } from "../containers/handle-context.js";
import type { ExitStatus } from "../events/event.js";
import { ProcessRecord } from "../events/process-record.js";
import type { ProcessIO } from "../io/index.js";

/** @internal Where a handle starts: identity, what containerd said of the process, its IO. */
export interface ProcessInit {
  ctx: HandleContext;
  containerId: string;
  /** `""` for a task's init process. */
  execId: string;
  /** Undefined until containerd gives one (an exec's, at start). */
  pid?: number;
  io?: ProcessIO;
  started?: boolean;
  exited?: ExitStatus;
  /** The signal `stop()` sends first unless told: a task's image StopSignal (from its container's label). */
  stopSignal?: string;
}

/**
 * @internal The record a new handle holds: the hub's, shared by every handle of the same running
 * process, or a settled one of its own for a process that has exited.
 */
export function recordFor(init: ProcessInit): ProcessRecord {
  const { ctx, containerId, execId, pid, exited } = init;
  const record = exited
    ? new ProcessRecord(ctx.namespace, containerId, execId, pid)
    : ctx.hub.track(ctx.namespace, containerId, execId, pid);
  if (exited) record.settle(exited);
  if (init.started) record.started = true;
  return record;
}
