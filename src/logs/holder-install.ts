import { execFile } from "node:child_process";
import { holderElf, holderSupported } from "./holder.js";
import { debug } from "./log.js";
import { writeIfChanged } from "./write-if-changed.js";

/** Per holder path: whether it runs here (a noexec mount or a seccomp rule may stop it). */
const runs = new Map<string, Promise<boolean>>();

/** Runs the holder as a logger would; with no fd 6 its read returns at once, and it must exec `/bin/true`. */
function runsHere(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(path, ["/bin/true"], { timeout: 5_000 }, (err) => {
      if (err) debug("holder %s does not run here: %s", path, err.message);
      resolve(!err);
    });
  });
}

/**
 * @internal Writes the logger holder to `path` (again if it changed or went) and checks, once per
 * process, that it runs: false where it cannot (another architecture), and the logger then waits
 * in `sh` instead.
 */
export async function installHolder(path: string): Promise<boolean> {
  if (!holderSupported()) return false;
  try {
    await writeIfChanged(path, holderElf());
  } catch (err) {
    debug("holder %s: %s", path, (err as Error).message);
    return false;
  }
  let checked = runs.get(path);
  if (!checked) {
    checked = runsHere(path);
    runs.set(path, checked);
  }
  return checked;
}
