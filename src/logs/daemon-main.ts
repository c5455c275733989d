// The logging daemon's entry: `node daemon-main.js <log dir>`. Started detached by a client (or by
// a logger whose daemon died); `$CONTAINERD_SDK_LOG_IDLE_MS` sets how long it lingers unused.
// No top-level await: the CommonJS build transforms this file too.
import { DEFAULT_IDLE_MS, LogDaemon } from "./daemon.js";
import { daemonCommand } from "./daemon-command.js";
import { logLayout } from "./layout.js";
import { debug } from "./log.js";

async function main(): Promise<void> {
  const idle = Number(process.env.CONTAINERD_SDK_LOG_IDLE_MS);
  const daemon = new LogDaemon(
    logLayout(process.argv[2]),
    Number.isFinite(idle) && idle >= 0 ? idle : DEFAULT_IDLE_MS,
  );
  process.on("SIGTERM", () => daemon.stop());
  process.on("uncaughtException", (err) => debug("daemon: %s", err.stack ?? err.message));
  if (await daemon.start(daemonCommand())) await daemon.stopped;
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    debug("daemon: %s", err.stack ?? err.message);
    process.exit(1);
  },
);
