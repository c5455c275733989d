/**
 * The second half of bridge attachments `containers.create` begins (CNI ADD, rules, hosts files),
 * still running in this process. The container's first task waits for it while Tasks.Create runs,
 * so the two overlap; detach waits for it before undoing anything. Process-wide and keyed by the
 * attachment's cache file, because every client view of a state directory must see the same one.
 *
 * @module
 */

const running = new Map<string, Promise<void>>();

/** Records `work` as the completion of the attachment cached at `key`; forgotten once it succeeds. */
export function trackCompletion(key: string, work: Promise<unknown>): void {
  const entry: Promise<void> = work.then(() => {
    if (running.get(key) === entry) running.delete(key);
  });
  // A failure is kept for the task that waits (or the detach that forgets it), never left unhandled.
  entry.catch(() => {});
  running.set(key, entry);
}

/**
 * Resolves once the completion of the attachment at `key` (if this process runs one) has
 * succeeded; rejects with its error when it failed. Undefined when there is nothing to wait for.
 */
export function completionOf(key: string): Promise<void> | undefined {
  return running.get(key);
}

/** Waits for the completion at `key` to settle, whatever its outcome, and forgets it. */
export async function settleCompletion(key: string): Promise<void> {
  await running.get(key)?.catch(() => {});
  running.delete(key);
}

/**
 * Resolves once every completion under `root` (a state directory) has settled; undefined when there
 * is none, so a caller with nothing to wait for need not yield.
 */
export function settleCompletionsUnder(root: string): Promise<void> | undefined {
  const mine = [...running].filter(([key]) => key.startsWith(`${root}/`)).map(([, p]) => p);
  if (mine.length === 0) return undefined;
  return Promise.allSettled(mine).then(() => undefined);
}
