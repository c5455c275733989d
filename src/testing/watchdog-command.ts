import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** This module's file: `src/testing/watchdog-command.ts`, or the `dist/` file it is bundled into. */
function thisFile(): string {
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (_err, frames) => frames;
  const frames = new Error().stack as unknown as NodeJS.CallSite[];
  Error.prepareStackTrace = prepare;
  const name = frames[0]?.getFileName() ?? "";
  return name.startsWith("file:") ? fileURLToPath(name) : name;
}

/**
 * @internal The command that runs a session's watchdog: this Node binary and `testing/watchdog-main`,
 * beside this module in the source tree (run through tsx) or in `dist/` (this code bundled into
 * `dist/testing/index.js` or one of `dist/chunks/`, ES module or CommonJS), as the logging daemon's
 * command is found (`logs/daemon-command.ts`).
 */
export function watchdogCommand(): string[] {
  const file = thisFile();
  const here = dirname(file);
  const source = join(here, "watchdog-main.ts");
  if (file.endsWith(".ts") && existsSync(source)) {
    const tsx = pathToFileURL(createRequire(file).resolve("tsx")).href;
    return [process.execPath, "--import", tsx, source];
  }
  const built = [join(here, "watchdog-main.js"), join(here, "..", "testing", "watchdog-main.js")].find(
    (candidate) => existsSync(candidate),
  );
  if (!built) throw new Error(`containerd-sdk/testing: testing/watchdog-main.js not found near ${here}`);
  return [process.execPath, built];
}
