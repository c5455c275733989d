import { all as allOf } from "abort-controller-x";
import type { WaitStrategy } from "./types.js";

/** Ready once every strategy is, run at once; the first that fails for good stops the others. */
export function all(...strategies: WaitStrategy[]): WaitStrategy {
  return {
    description: strategies.map((s) => s.description).join(" and ") || "nothing",
    async waitUntilReady(target, signal) {
      await allOf(signal, (inner) => strategies.map((s) => s.waitUntilReady(target, inner)));
    },
  };
}
