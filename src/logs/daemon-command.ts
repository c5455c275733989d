import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @internal V8 flags of the daemon: a 1 MiB young generation (instead of up to 16 MiB) keeps its
 * resident memory near Node's floor after a burst; its garbage is pipe chunks, short-lived.
 */
const DAEMON_NODE_FLAGS = (process.env.CONTAINERD_SDK_LOG_DAEMON_FLAGS ?? "--max-semi-space-size=1")
  .split(" ")
  .filter(Boolean);

/** @internal Names a built `daemon-main.js` to run instead of the one found (the bench's, from source). */
export const DAEMON_ENV = "CONTAINERD_SDK_LOG_DAEMON";

/**
 * @internal The command that runs the logging daemon: this Node binary and `logs/daemon-main`,
 * found beside this module in the source tree (run through tsx, as the tests do) or in `dist/`
 * (this code is bundled into `dist/index.js` or one of `dist/chunks/`).
 */
export function daemonCommand(): string[] {
  const node = [process.execPath, ...DAEMON_NODE_FLAGS];
  const override = process.env[DAEMON_ENV];
  if (override) return [...node, override];
  const here = dirname(fileURLToPath(import.meta.url));
  const source = join(here, "daemon-main.ts");
  if (existsSync(source)) return [...node, "--import", import.meta.resolve("tsx"), source];
  const built = [join(here, "logs", "daemon-main.js"), join(here, "..", "logs", "daemon-main.js")].find(
    (candidate) => existsSync(candidate),
  );
  if (!built) throw new Error(`containerd-sdk: logs/daemon-main.js not found near ${here}`);
  return [...node, built];
}
