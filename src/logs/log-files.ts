import { type FileHandle, open, readdir, readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { NotFoundError } from "../errors/index.js";
import { containerLogDir, LOG_FILE, type LogLayout, pathPointer } from "./layout.js";
import { wholeLinesEnd } from "./lines.js";

/** @internal One log file opened for reading, with where its whole lines ended when it was opened. */
export interface OpenLogFile {
  path: string;
  handle: FileHandle;
  end: number;
}

/** @internal A container's log file path: the `log.path` given at newTask, or the default one. */
export async function logPath(layout: LogLayout, namespace: string, id: string): Promise<string> {
  const dir = containerLogDir(layout, namespace, id);
  const custom = await readFile(pathPointer(layout, namespace, id), "utf8").catch(() => undefined);
  if (custom) return custom;
  if (!(await readdir(dir).catch(() => undefined))) {
    throw new NotFoundError(`container "${id}" in namespace "${namespace}" has no logs (in ${layout.root})`);
  }
  return `${dir}/${LOG_FILE}`;
}

/** @internal `path` and its rotated files (`path.N`), oldest first. */
export async function rotatedFiles(path: string): Promise<string[]> {
  const base = basename(path);
  const numbers = ((await readdir(dirname(path)).catch(() => [])) as string[])
    .filter((name) => name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)))
    .map((name) => Number(name.slice(base.length + 1)))
    .sort((a, b) => b - a);
  return [...numbers.map((n) => `${path}.${n}`), path];
}

/** @internal Opens what exists of `paths`, in order. */
export async function openLogFiles(paths: string[]): Promise<OpenLogFile[]> {
  const files: OpenLogFile[] = [];
  for (const path of paths) {
    const handle = await open(path, "r").catch(() => undefined);
    if (!handle) continue;
    files.push({ path, handle, end: await wholeLinesEnd(handle, (await handle.stat()).size) });
  }
  return files;
}
