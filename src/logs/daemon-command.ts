import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @internal The command that runs the logging daemon: this Node binary and `logs/daemon-main`,
 * found beside this module in the source tree (run through tsx, as the tests do) or in `dist/`
 * (this code is bundled into `dist/index.js` or one of `dist/chunks/`).
 */
export function daemonCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const source = join(here, "daemon-main.ts");
  if (existsSync(source)) return [process.execPath, "--import", import.meta.resolve("tsx"), source];
  const built = [join(here, "logs", "daemon-main.js"), join(here, "..", "logs", "daemon-main.js")].find(
    (candidate) => existsSync(candidate),
  );
  if (!built) throw new Error(`containerd-sdk: logs/daemon-main.js not found near ${here}`);
  return [process.execPath, built];
}
