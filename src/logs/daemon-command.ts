import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * @internal V8 flags of the daemon: a 1 MiB young generation (instead of up to 16 MiB) keeps its
 * resident memory near Node's floor after a burst; its garbage is pipe chunks, short-lived.
 */
const DAEMON_NODE_FLAGS = ["--max-semi-space-size=1"];

/** @internal Names a built `daemon-main.js` to run instead of the one found (the bench's, from source). */
export const DAEMON_ENV = "CONTAINERD_SDK_LOG_DAEMON";

/**
 * The file this code runs from: `src/logs/daemon-command.ts`, or the `dist/` file it is bundled
 * into (ES module or CommonJS, which have no `import.meta` and `__filename` in common).
 */
function thisFile(): string {
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (_err, frames) => frames;
  const frames = new Error().stack as unknown as NodeJS.CallSite[];
  Error.prepareStackTrace = prepare;
  const name = frames[0]?.getFileName() ?? "";
  return name.startsWith("file:") ? fileURLToPath(name) : name;
}

/**
 * @internal The command that runs the logging daemon: this Node binary and `logs/daemon-main`,
 * found beside this module in the source tree (run through tsx, as the tests do) or in `dist/`
 * (this code is bundled into `dist/index.js` or one of `dist/chunks/`, or their `.cjs`).
 */
export function daemonCommand(): string[] {
  const node = [process.execPath, ...DAEMON_NODE_FLAGS];
  const override = process.env[DAEMON_ENV];
  if (override) return [...node, override];
  const file = thisFile();
  const here = dirname(file);
  const source = join(here, "daemon-main.ts");
  if (file.endsWith(".ts") && existsSync(source)) {
    const tsx = pathToFileURL(createRequire(file).resolve("tsx")).href;
    return [...node, "--import", tsx, source];
  }
  const built = [join(here, "logs", "daemon-main.js"), join(here, "..", "logs", "daemon-main.js")].find(
    (candidate) => existsSync(candidate),
  );
  if (!built) throw new Error(`containerd-sdk: logs/daemon-main.js not found near ${here}`);
  return [...node, built];
}
