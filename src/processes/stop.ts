import { abortable, delay, race } from "abort-controller-x";
import { isNotFound } from "../errors/index.js";
import type { ExitStatus } from "../events/event.js";
import { type Signal, signalNumber } from "../runtime/signals.js";
import { STOP_SIGNAL_LABEL } from "../runtime/stop-signal.js";

/** How long `stop()` waits after its first signal before SIGKILL, unless told. */
export const DEFAULT_STOP_TIMEOUT = 10_000;

const SIGKILL = 9;

/** What `stop()` takes. */
export interface StopOptions {
  /**
   * The signal sent first. Default: for a task, the StopSignal of the image its container was made
   * from (the container label `io.containerd.image.config.stop-signal`), else SIGTERM.
   */
  killSignal?: Signal;
  /** Milliseconds to wait for the exit after `killSignal` before sending SIGKILL. Default 10 000. */
  timeout?: number;
  /** Aborting rejects the stop with an AbortError and sends nothing more. */
  signal?: AbortSignal;
}

/** @internal The process `stopProcess` stops, as the handle sees it. */
export interface StopTarget {
  /** The exit, when already known. */
  readonly status: ExitStatus | undefined;
  /** Resolves with the exit. */
  readonly exit: Promise<ExitStatus>;
  /** Sends signal `number`; `all` for every process in the container (tasks only). */
  kill(number: number, all: boolean, signal: AbortSignal | undefined): Promise<void>;
}

/**
 * @internal The first signal's number: `killSignal` when given, else the container's stop-signal
 * label, else SIGTERM. A bad value is an InvalidArgumentError naming where it came from.
 */
export function firstStopSignal(killSignal: Signal | undefined, labelled: string | undefined): number {
  if (killSignal !== undefined) return signalNumber(killSignal, "killSignal");
  if (labelled) return signalNumber(labelled, `labels.${STOP_SIGNAL_LABEL}`);
  return signalNumber("SIGTERM");
}

/**
 * @internal Sends `first`, waits up to `timeout` ms for the exit, then sends SIGKILL (to every
 * process of a task when `killAll`) and waits for the exit. A process that has already exited
 * resolves with its status at once. The grace timer is cleared as soon as the wait ends.
 */
export async function stopProcess(
  target: StopTarget,
  first: number,
  options: { timeout: number; killAll: boolean; signal?: AbortSignal },
): Promise<ExitStatus> {
  if (target.status) return target.status;
  const { signal } = options;
  await killUnlessGone(target, first, false, signal);
  const exited = await exitWithin(target.exit, options.timeout, signal);
  if (exited) return exited;
  await killUnlessGone(target, SIGKILL, options.killAll, signal);
  return signal ? abortable(signal, target.exit) : target.exit;
}

/** A process containerd no longer runs (NotFoundError) has exited: its exit is on its way. */
async function killUnlessGone(
  target: StopTarget,
  number: number,
  all: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await target.kill(number, all, signal);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The exit if it comes within `ms`, else undefined; race() aborts the loser, clearing the timer. */
function exitWithin(
  exit: Promise<ExitStatus>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<ExitStatus | undefined> {
  return race(signal ?? new AbortController().signal, (inner) => [
    abortable(inner, exit),
    delay(inner, ms).then(() => undefined),
  ]);
}
