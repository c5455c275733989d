import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { checkInteger, checkStringArray, invalid, isRecord } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import type { ImageHealthcheck } from "./service/wait/healthcheck.js";

const NS_PER_MS = 1_000_000;

/**
 * A Docker-style healthcheck that the image builders write into the image config (as `docker build`'s
 * HEALTHCHECK does); times in milliseconds (the config holds nanoseconds).
 */
export interface HealthcheckOptions {
  /** `["CMD", "redis-cli", "ping"]`, `["CMD-SHELL", "pg_isready"]` or `["NONE"]`. */
  test: string[];
  /** Between checks. Default 30 000. */
  interval?: number;
  /** For one check. Default 30 000. */
  timeout?: number;
  /** Failures in a row before unhealthy. Default 3. */
  retries?: number;
  /** After the start, while failures do not count. Default 0. */
  startPeriod?: number;
}

const HEALTH_KEYS = optionKeys<HealthcheckOptions>()([
  "test",
  "interval",
  "timeout",
  "retries",
  "startPeriod",
]);
const TIMES = ["interval", "timeout", "startPeriod"] as const;

/** @internal Checks a `healthcheck` option; InvalidArgumentError naming the field. */
export function checkHealthcheck(value: unknown): HealthcheckOptions {
  if (!isRecord(value)) throw invalid("healthcheck", value, "must be an object");
  checkOptionKeys(value, HEALTH_KEYS, "healthcheck");
  const test = checkStringArray("healthcheck.test", value.test);
  if (!["CMD", "CMD-SHELL", "NONE"].includes(test[0] ?? "") || (test[0] !== "NONE" && test.length < 2)) {
    throw new InvalidArgumentError(
      'healthcheck.test: must be ["CMD", command, ...args], ["CMD-SHELL", script] or ["NONE"]',
      { field: "healthcheck.test" },
    );
  }
  const out: HealthcheckOptions = { test };
  for (const key of TIMES) {
    if (value[key] !== undefined)
      out[key] = checkInteger(`healthcheck.${key}`, value[key], key === "startPeriod" ? 0 : 1);
  }
  if (value.retries !== undefined) out.retries = checkInteger("healthcheck.retries", value.retries, 0);
  return out;
}

/** @internal The image config's `Healthcheck` for checked options. */
export function imageHealthcheck(o: HealthcheckOptions): ImageHealthcheck {
  const config: ImageHealthcheck = { Test: o.test };
  if (o.interval !== undefined) config.Interval = o.interval * NS_PER_MS;
  if (o.timeout !== undefined) config.Timeout = o.timeout * NS_PER_MS;
  if (o.retries !== undefined) config.Retries = o.retries;
  if (o.startPeriod !== undefined) config.StartPeriod = o.startPeriod * NS_PER_MS;
  return config;
}
