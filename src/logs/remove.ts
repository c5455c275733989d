import { statSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { containerLogDir, logLayout, pathPointer } from "./layout.js";
import { rotatedFiles } from "./log-files.js";

/**
 * @internal Removes a container's logs (as Docker does with the container): its directory and, for
 * a `log.path` given at newTask, that file and its rotated ones. Quiet when there are none.
 */
export async function removeLogs(namespace: string, id: string): Promise<void> {
  let layout: ReturnType<typeof logLayout>;
  try {
    layout = logLayout();
  } catch {
    return; // a log directory that cannot be used holds no logs
  }
  // Most containers have no logs: a stat that does not throw is cheaper than two failing calls.
  if (!statSync(containerLogDir(layout, namespace, id), { throwIfNoEntry: false })) return;
  const custom = await readFile(pathPointer(layout, namespace, id), "utf8").catch(() => undefined);
  if (custom) for (const file of await rotatedFiles(custom)) await rm(file, { force: true });
  await rm(containerLogDir(layout, namespace, id), { recursive: true, force: true });
}
