import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";

/** @internal Writes an executable `path` atomically, unless it holds `content` already. */
export async function writeIfChanged(path: string, content: string | Buffer): Promise<void> {
  const now = await readFile(path).catch(() => undefined);
  if (now?.equals(Buffer.from(content))) return;
  // Unique per call: services started at once in one process install it concurrently.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(temp, content, { mode: 0o755 });
  await rename(temp, path);
}
