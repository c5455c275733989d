import { brand } from "../../errors/containerd-error.js";
import { DeadlineExceededError, FailedPreconditionError } from "../../errors/index.js";

/** How many of a service's last log lines an error's message quotes (all of `logs` are kept). */
const QUOTED_LINES = 10;

function withLogs(message: string, logs: string[]): string {
  if (logs.length === 0) return `${message} (no log output)`;
  const quoted = logs.slice(-QUOTED_LINES).map((line) => `  ${line}`);
  return `${message}; last log lines:\n${quoted.join("\n")}`;
}

/**
 * `startService` ran out of `startupTimeout` (pulling, creating, starting and waiting included).
 * Nothing it made is left behind. `logs` holds the container's last lines (up to 50).
 */
export class StartupTimeoutError extends DeadlineExceededError {
  /** The container's last log lines, oldest first, without their newlines. */
  readonly logs: string[];

  constructor(message: string, logs: string[], options: { cause?: unknown } = {}) {
    super(withLogs(message, logs), options);
    this.logs = logs;
  }

  static {
    brand(StartupTimeoutError, "StartupTimeoutError", "DEADLINE_EXCEEDED", 504);
  }
}

/**
 * A service that can never become ready: its task exited, or its wait strategy failed for good (an
 * image healthcheck reporting unhealthy, a log stream that ended). Nothing it made is left
 * behind. `logs` holds the container's last lines (up to 50).
 */
export class ServiceStartError extends FailedPreconditionError {
  /** The container's last log lines, oldest first, without their newlines. */
  readonly logs: string[];

  constructor(message: string, logs: string[], options: { cause?: unknown } = {}) {
    super(withLogs(message, logs), options);
    this.logs = logs;
  }

  static {
    brand(ServiceStartError, "ServiceStartError", "FAILED_PRECONDITION", 412);
  }
}
