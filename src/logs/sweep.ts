import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { logLayout } from "./layout.js";
import { removeLogs } from "./remove.js";

/**
 * @internal Removes the logs of `namespace`'s containers that `exists` denies (a client that died
 * between deleting a container and its logs leaves them) and returns their ids. A log directory is
 * made only for a container that exists, so one without its container is left over, never early.
 */
export async function sweepLogs(
  namespace: string,
  exists: (id: string) => Promise<boolean>,
): Promise<string[]> {
  let root: string;
  try {
    root = logLayout().root;
  } catch {
    return []; // a log directory that cannot be used holds no logs
  }
  const ids = await readdir(join(root, namespace)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const id of ids) {
    if (id.startsWith(".") || (await exists(id))) continue;
    await removeLogs(namespace, id);
    removed.push(id);
  }
  return removed;
}
