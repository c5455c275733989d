import type { ProcessIO } from "../io/index.js";
import type { ProcessRef } from "./lifecycle.js";

/** How long a delete lets output someone is reading reach them before closing the FIFOs. */
const OUTPUT_DRAIN_MS = 2_000;

/**
 * @internal Closes a deleted process's stdio. Output someone reads gets up to OUTPUT_DRAIN_MS to
 * arrive; output nobody reads is dropped at once.
 */
export async function closeAfterDrain(io: ProcessIO): Promise<void> {
  // Null IO (or stdin only) has nothing to drain: no timer to arm and clear.
  if (!io.hasOutputs) return io.close();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, OUTPUT_DRAIN_MS);
  });
  await Promise.race([io.readDone(), grace]);
  clearTimeout(timer);
  await io.close();
}

/**
 * @internal A caller's Readable as stdin: when it ends, send CloseIO so the process sees EOF, as it
 * would with child_process (a `"pipe"` stdin is closed explicitly with `closeStdin()`). Nothing is
 * sent once `exited()` says the process is gone.
 */
export function closeStdinWhenSourceEnds(io: ProcessIO, ref: ProcessRef, exited: () => boolean): void {
  // A pty's console closes with its stdin (SIGHUP, output lost); the Go client never sends it.
  if (io.config.stdin === "" || io.stdin !== null || io.config.terminal) return;
  const { ctx, containerId, execId } = ref;
  void io.stdinClosed.then(async () => {
    if (exited()) return;
    await ctx.services.tasks
      .closeIO({ containerId, execId, stdin: true }, { namespace: ctx.namespace })
      .catch(() => {});
  });
}
