import type { Container } from "../../container.js";

/** How many lines a start failure keeps from the container's log. */
export const FAILURE_LOG_LINES = 50;

/** @internal The container's last log lines without their newlines; [] when it has no log. */
export async function lastLogLines(container: Container, count = FAILURE_LOG_LINES): Promise<string[]> {
  const lines: string[] = [];
  try {
    for await (const entry of container.logs({ tail: count })) lines.push(entry.data.replace(/\r?\n$/, ""));
  } catch {
    // No log (a task never made) is no lines.
  }
  return lines;
}
