import type { RunResult } from "../../io/run-result.js";
import type { LogEntry, LogsOptions } from "../../logs/index.js";
import type { RunOptions } from "../../task.js";
import type { ServiceHandle, ServiceStopOptions } from "../service/service-handle.js";

/**
 * A service a ready-made module started: its {@link ServiceHandle} (`service`), and where a test
 * reaches it from the host (`host`, `hostPort`). Disposal (`await using`) or `stop()` removes it, as
 * the handle's does; a reused one is left running.
 */
export class ModuleService implements AsyncDisposable {
  /** The service underneath: its container, task, address on its network, exec and logs. */
  readonly service: ServiceHandle;
  /**
   * The host port publishing the service's port (reach it at `host`); named as `task.hostPort()`,
   * since `service.port(containerPort)` is the handle's lookup.
   */
  readonly hostPort: number;

  /** @internal */
  constructor(service: ServiceHandle, containerPort: number) {
    this.service = service;
    this.hostPort = service.port(containerPort);
  }

  /** The host address its port is published on: `127.0.0.1`. */
  get host(): string {
    return this.service.host;
  }

  /** The container's id. */
  get id(): string {
    return this.service.id;
  }

  /** True when `reuse` found it already running (see `ServiceHandle.reused`). */
  get reused(): boolean {
    return this.service.reused;
  }

  /** Runs `args` in the service's task and collects `{ exitCode, stdout, stderr }`. */
  exec(args: string[], options?: RunOptions & { encoding?: BufferEncoding }): Promise<RunResult<string>> {
    return this.service.exec(args, options);
  }

  /** The container's log, stdout and stderr, oldest first. */
  logs(options?: LogsOptions): AsyncIterable<LogEntry> {
    return this.service.logs(options);
  }

  /** Stops the service and removes its container (`ServiceHandle.stop`); idempotent. */
  stop(options?: ServiceStopOptions): Promise<void> {
    return this.service.stop(options);
  }

  /** `stop()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
