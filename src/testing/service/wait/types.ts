import type { Client } from "../../../client.js";
import type { Container } from "../../../container.js";
import type { RunResult } from "../../../io/run-result.js";
import type { LogEntry, LogsOptions } from "../../../logs/index.js";
import type { RunOptions, Task } from "../../../task.js";

/** What a wait strategy sees of the service it waits for (a `ServiceHandle` is one). */
export interface WaitTarget {
  /** The client the service was started with. */
  readonly client: Client;
  /** The service's container. */
  readonly container: Container;
  /** Its running task. */
  readonly task: Task;
  /** The host address its ports are published on. */
  readonly host: string;
  /** The host port publishing `containerPort`. */
  port(containerPort: number): number;
  /** Runs a command in the task and collects its output. */
  exec(args: string[], options?: RunOptions & { encoding?: BufferEncoding }): Promise<RunResult<string>>;
  /** The container's log. */
  logs(options?: LogsOptions): AsyncIterable<LogEntry>;
}

/**
 * How `startService` knows a service is ready: `waitUntilReady` resolves once it is, rejects when
 * it never will, and stops (rejecting with an AbortError) when `signal` aborts. Make one with the
 * `wait` helpers.
 */
export interface WaitStrategy {
  /** What it waits for, as error messages quote it (`log /Ready/`, `port 6379`). */
  readonly description: string;
  /** Resolves once `target` is ready; `signal` aborts at the startup deadline. */
  waitUntilReady(target: WaitTarget, signal: AbortSignal): Promise<void>;
}
