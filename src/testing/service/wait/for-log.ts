import type { WaitStrategy } from "./types.js";

/** Options of `wait.forLog`. */
export interface ForLogOptions {
  /** How many matching lines to wait for. Default 1. */
  times?: number;
}

/**
 * Ready once the container's log (stdout or stderr, followed from its first line) has had `times`
 * lines containing `text`, or matching `text` as a RegExp. Fails for good when the log ends first.
 */
export function forLog(text: string | RegExp, options: ForLogOptions = {}): WaitStrategy {
  const times = options.times ?? 1;
  const matches =
    typeof text === "string" ? (line: string) => line.includes(text) : (line: string) => text.test(line);
  const description = `log ${typeof text === "string" ? JSON.stringify(text) : String(text)}${times > 1 ? ` ×${times}` : ""}`;
  return {
    description,
    async waitUntilReady(target, signal) {
      let seen = 0;
      for await (const entry of target.logs({ follow: true, signal })) {
        if (matches(entry.data) && ++seen >= times) return;
      }
      signal.throwIfAborted();
      throw new Error(`the log ended after ${seen} of ${times} lines matching ${description.slice(4)}`);
    },
  };
}
