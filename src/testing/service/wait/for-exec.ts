import { poll } from "./poll.js";
import type { WaitStrategy } from "./types.js";

/** Options of `wait.forExec`. */
export interface ForExecOptions {
  /** The exit code that means ready. Default 0. */
  exitCode?: number;
}

/** Ready once `args`, run in the task, exits with `exitCode` (default 0); run again until it does. */
export function forExec(args: string[], options: ForExecOptions = {}): WaitStrategy {
  const expected = options.exitCode ?? 0;
  return {
    description: `exec ${JSON.stringify(args)}`,
    async waitUntilReady(target, signal) {
      await poll(signal, async (inner) => (await target.exec(args, { signal: inner })).exitCode === expected);
    },
  };
}
