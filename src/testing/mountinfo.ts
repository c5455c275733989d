import { readFile } from "node:fs/promises";

/** @internal One line of /proc/self/mountinfo, the parts we use. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
}

// The kernel escapes space, tab, newline and backslash as \ooo.
const unescapeField = (field: string): string =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/** @internal Parses mountinfo text: the mount point is field 5, the type follows the " - " separator. */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    const mountPoint = left?.split(" ")[4];
    const fsType = right?.split(" ")[0];
    if (mountPoint && fsType) entries.push({ mountPoint: unescapeField(mountPoint), fsType });
  }
  return entries;
}

/** @internal The mounts of this process's mount namespace (the one the shims share). */
export async function readMounts(): Promise<MountEntry[]> {
  return parseMountinfo(await readFile("/proc/self/mountinfo", "utf8"));
}
