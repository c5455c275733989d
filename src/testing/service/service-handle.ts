import type { Client } from "../../client.js";
import type { Container } from "../../container.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { RunResult } from "../../io/run-result.js";
import type { LogEntry, LogsOptions } from "../../logs/index.js";
import type { RunOptions, Task } from "../../task.js";
import { debug } from "../log.js";

/** What `ServiceHandle.stop` takes. */
export interface ServiceStopOptions {
  /** Milliseconds between the stop signal and SIGKILL. Default 2 000 (a test needs no long grace). */
  timeout?: number;
}

/** A service's grace period before SIGKILL unless told. */
export const DEFAULT_SERVICE_STOP_TIMEOUT = 2_000;

/** @internal What a handle starts from. */
export interface ServiceInit {
  client: Client;
  container: Container;
  task: Task;
  reused: boolean;
  /** Leave the container running at stop (a reusable service). */
  keep: boolean;
}

/**
 * A running service from `startService`: its container and task, published ports, exec and logs.
 * `stop()` (or `await using`) stops the task gracefully and deletes the container with its
 * snapshot, network attachment and logs; a reused service is left running.
 */
export class ServiceHandle implements AsyncDisposable {
  /** The host address its ports are published on. */
  readonly host = "127.0.0.1";
  /** The client it was started with. */
  readonly client: Client;
  /** Its container. */
  readonly container: Container;
  /** Its task, started with `log: true`. */
  readonly task: Task;
  /**
   * True when `reuse` found it already running. A service started with `reuse` (found or made) is
   * left running by `stop()` and disposal, for the next test or test run; remove it with
   * `container.delete({ force: true })`.
   */
  readonly reused: boolean;
  readonly #keep: boolean;
  #stopped: Promise<void> | undefined;

  /** @internal */
  constructor(init: ServiceInit) {
    this.client = init.client;
    this.container = init.container;
    this.task = init.task;
    this.reused = init.reused;
    this.#keep = init.keep;
  }

  /** The container's id. */
  get id(): string {
    return this.container.id;
  }

  /** The container's address on its network (reachable from the host and its network's containers). */
  get ip(): string {
    return this.task.network?.ip ?? "";
  }

  /**
   * The host port publishing `containerPort` (reach it at `host`).
   * @throws InvalidArgumentError (field `containerPort`) for a port the service does not publish.
   */
  port(containerPort: number): number {
    const port = this.task.hostPort(containerPort);
    if (port === undefined) {
      const published = (this.task.network?.ports ?? []).map((p) => p.containerPort).join(", ") || "none";
      throw new InvalidArgumentError(
        `containerPort: ${containerPort} is not published by service ${this.id} (published: ${published})`,
        { field: "containerPort" },
      );
    }
    return port;
  }

  /** Runs `args` in the service's task and collects `{ exitCode, stdout, stderr }`. */
  exec(args: string[], options?: RunOptions & { encoding?: BufferEncoding }): Promise<RunResult<string>> {
    return this.task.run(args, options);
  }

  /** The container's log (`container.logs`), stdout and stderr, oldest first. */
  logs(options?: LogsOptions): AsyncIterable<LogEntry> {
    return this.container.logs(options);
  }

  /**
   * Stops the task (its stop signal, then SIGKILL after `timeout`) and deletes the container with
   * everything it holds. Idempotent: every call shares the first one's promise. A service started
   * with `reuse` is left running.
   */
  stop(options: ServiceStopOptions = {}): Promise<void> {
    this.#stopped ??= this.#stop(options.timeout ?? DEFAULT_SERVICE_STOP_TIMEOUT);
    return this.#stopped;
  }

  /** `stop()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #stop(timeout: number): Promise<void> {
    if (this.#keep) return;
    await this.task.stop({ timeout }).catch((err: Error) => debug("stop %s: %s", this.id, err.message));
    await this.container.delete({ force: true });
  }
}
