import { constants } from "node:os";
import { invalid } from "../base/validate.js";

/** A signal by name (`"SIGTERM"`, `"TERM"`, `"SIGRTMIN+3"`) or by number. */
export type Signal = NodeJS.Signals | string | number;

const SIGRTMIN = 34;
const SIGRTMAX = 64;

/**
 * @internal The signal number for `signal`, checked before any RPC. Numbers are Linux's: the
 * container shares the daemon's kernel, and the SDK runs on that host.
 */
export function signalNumber(signal: Signal, field = "signal"): number {
  if (typeof signal === "number") {
    if (Number.isInteger(signal) && signal >= 1 && signal <= SIGRTMAX) return signal;
  } else if (typeof signal === "string") {
    const name = signal.toUpperCase().startsWith("SIG") ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
    const known = (constants.signals as Record<string, number>)[name];
    if (known !== undefined) return known;
    const rt = /^SIGRTM(IN|AX)([+-]\d+)?$/.exec(name);
    if (rt) {
      const n = (rt[1] === "IN" ? SIGRTMIN : SIGRTMAX) + Number(rt[2] ?? 0);
      if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
    }
  }
  throw invalid(field, signal, "is not a known signal");
}
