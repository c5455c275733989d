/** An image config's `Healthcheck`, as Docker writes it: durations in nanoseconds. */
export interface ImageHealthcheck {
  /** `["CMD", arg…]`, `["CMD-SHELL", command]`, or `["NONE"]`. */
  Test?: string[];
  /** Nanoseconds between probes. Default 30 s. */
  Interval?: number;
  /** Nanoseconds one probe may run. Default 30 s. */
  Timeout?: number;
  /** Failures in a row (after `StartPeriod`) that mean unhealthy. Default 3. */
  Retries?: number;
  /** Nanoseconds after the start during which failures do not count. Default 0. */
  StartPeriod?: number;
}

/** @internal A healthcheck as `wait.forHealthcheck` runs it: an exec and its timing in ms. */
export interface HealthProbe {
  args: string[];
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

// Docker's defaults for a Healthcheck that leaves a field out (or sets it to 0).
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;

const ms = (ns: number | undefined, fallback: number) => (ns && ns > 0 ? Math.round(ns / 1e6) : fallback);

/**
 * @internal The probe an image's Healthcheck describes, or undefined when it has none (absent, an
 * empty Test, or `NONE`). `CMD-SHELL` runs through `/bin/sh -c`, as Docker does.
 */
export function healthProbe(check: ImageHealthcheck | undefined): HealthProbe | undefined {
  const [kind, ...rest] = check?.Test ?? [];
  let args: string[];
  if (kind === "CMD") args = rest;
  else if (kind === "CMD-SHELL") args = ["/bin/sh", "-c", rest.join(" ")];
  else return undefined;
  if (args.length === 0) return undefined;
  return {
    args,
    interval: ms(check?.Interval, DEFAULT_INTERVAL_MS),
    timeout: ms(check?.Timeout, DEFAULT_TIMEOUT_MS),
    retries: check?.Retries && check.Retries > 0 ? check.Retries : DEFAULT_RETRIES,
    startPeriod: ms(check?.StartPeriod, 0),
  };
}
