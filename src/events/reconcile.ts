import createDebug from "debug";
import pLimit from "p-limit";
import { isNotFound, NotFoundError } from "../errors/index.js";
import type { RawServices } from "../rpc/services.js";
import { toProcessState } from "../runtime/process-status.js";
import type { ProcessRecord } from "./process-record.js";

const debug = createDebug("containerd-sdk:events");

/** Tasks.Get calls in flight at once while reconciling. */
const CONCURRENCY = 8;

/**
 * @internal After the stream was down, asks containerd (Tasks.Get, exec ids too) about every
 * process a handle still waits for, since its exit may have been published while nobody listened.
 * Runs once the new stream is live, so an exit after the answer arrives as an event instead:
 * - stopped: settles with containerd's exit code and time;
 * - still running (same pid): keeps waiting;
 * - gone, or another process under the same id: fails with NotFoundError, never an invented code.
 * Other errors (the daemon went down again) leave the record for the next reconciliation.
 */
export async function reconcile(
  services: RawServices,
  records: ProcessRecord[],
  signal: AbortSignal,
): Promise<void> {
  const limit = pLimit(CONCURRENCY);
  await Promise.all(
    records.map((record) =>
      limit(async () => {
        if (record.settled || signal.aborted) return;
        await reconcileOne(services, record, signal);
      }),
    ),
  );
}

async function reconcileOne(
  services: RawServices,
  record: ProcessRecord,
  signal: AbortSignal,
): Promise<void> {
  const { namespace, containerId, execId } = record;
  const what = `${execId ? `process "${execId}" of task` : "task"} "${containerId}" in namespace "${namespace}"`;
  let process: Awaited<ReturnType<RawServices["tasks"]["get"]>>["process"];
  try {
    process = (await services.tasks.get({ containerId, execId }, { namespace, signal })).process;
  } catch (err) {
    if (signal.aborted || record.settled) return;
    if (isNotFound(err)) {
      debug("reconcile %s/%s/%s: gone", namespace, containerId, execId);
      record.fail(
        new NotFoundError(`${what} is gone and containerd kept no exit status for it`, { cause: err }),
      );
    } else {
      debug("reconcile %s/%s/%s failed: %s", namespace, containerId, execId, (err as Error).message);
    }
    return;
  }
  if (signal.aborted || record.settled || !process) return;
  const samePid = record.pid === undefined || process.pid === 0 || process.pid === record.pid;
  if (!samePid) {
    record.fail(new NotFoundError(`${what} is gone; another process (pid ${process.pid}) has its id now`));
    return;
  }
  const state = toProcessState(process.status);
  debug("reconcile %s/%s/%s: %s", namespace, containerId, execId, state);
  if (state === "stopped") {
    record.settle({ exitCode: process.exitStatus, exitedAt: process.exitedAt ?? new Date(0) });
  }
}
