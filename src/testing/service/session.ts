import { randomBytes } from "node:crypto";

/** The label on everything a test session makes: containers and its network. */
export const SESSION_LABEL = "containerd-sdk.session";

/** The label a reusable service's container carries: the hash of the options that made it. */
export const REUSE_LABEL = "containerd-sdk.reuse";

let id: string | undefined;

/**
 * This process's test session: a random id made on first use. Everything `startService` makes
 * carries it as the {@link SESSION_LABEL} label, so the session's watchdog can find what a dead
 * process left.
 */
export function sessionId(): string {
  id ??= randomBytes(6).toString("hex");
  return id;
}
