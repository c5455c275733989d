import { all } from "./all.js";
import { forExec } from "./for-exec.js";
import { forHealthcheck } from "./for-healthcheck.js";
import { forHttp } from "./for-http.js";
import { forLog } from "./for-log.js";
import { forPort } from "./for-port.js";

export type { ForExecOptions } from "./for-exec.js";
export type { ForHttpOptions } from "./for-http.js";
export type { ForLogOptions } from "./for-log.js";
export type { ImageHealthcheck } from "./healthcheck.js";
export type { WaitStrategy, WaitTarget } from "./types.js";

/**
 * Wait strategies for `startService`'s `wait`: each polls with a short backoff (or follows the log),
 * and stops, every timer cleared, when the startup deadline passes.
 *
 * @example
 * ```ts
 * wait.forLog(/Ready to accept connections/);
 * wait.all(wait.forPort(5432), wait.forExec(["pg_isready"]));
 * ```
 */
export const wait = {
  /** Ready once the log has had a line containing (or matching) the text. */
  forLog,
  /** Ready once the process listens on the port and its host port connects. */
  forPort,
  /** Ready once a command run in the task exits 0. */
  forExec,
  /** Ready once an HTTP request from the host gets the status. */
  forHttp,
  /** Ready once the image's Healthcheck passes. */
  forHealthcheck,
  /** Ready once every strategy given is. */
  all,
} as const;
