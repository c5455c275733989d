/**
 * Process rlimits.
 *
 * @module
 */

import { checkInteger, checkString, invalid, isRecord } from "../base/validate.js";
import type { POSIXRlimit } from "./spec.js";

/** The rlimit types runc accepts. */
export const RLIMIT_TYPES: readonly string[] = Object.freeze([
  "RLIMIT_AS",
  "RLIMIT_CORE",
  "RLIMIT_CPU",
  "RLIMIT_DATA",
  "RLIMIT_FSIZE",
  "RLIMIT_LOCKS",
  "RLIMIT_MEMLOCK",
  "RLIMIT_MSGQUEUE",
  "RLIMIT_NICE",
  "RLIMIT_NOFILE",
  "RLIMIT_NPROC",
  "RLIMIT_RSS",
  "RLIMIT_RTPRIO",
  "RLIMIT_RTTIME",
  "RLIMIT_SIGPENDING",
  "RLIMIT_STACK",
]);

/** containerd's only default rlimit: 1024 open files, soft and hard. */
export function defaultRlimits(): POSIXRlimit[] {
  return [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }];
}

/**
 * Checks one rlimit; `type` may be written `"nofile"`, `"NOFILE"` or `"RLIMIT_NOFILE"`.
 * Limits must be safe integers with `soft <= hard`. "Unlimited" (2^64-1) cannot be
 * written as a JS number, so it is not expressible here.
 */
export function checkRlimit(field: string, value: unknown): POSIXRlimit {
  if (!isRecord(value)) throw invalid(field, value, "must be an object { type, soft, hard }");
  const raw = checkString(`${field}.type`, value.type).toUpperCase();
  const type = raw.startsWith("RLIMIT_") ? raw : `RLIMIT_${raw}`;
  if (!RLIMIT_TYPES.includes(type)) throw invalid(`${field}.type`, value.type, "is not a known rlimit");
  const hard = checkInteger(`${field}.hard`, value.hard, 0);
  const soft = checkInteger(`${field}.soft`, value.soft, 0);
  if (soft > hard) throw invalid(`${field}.soft`, soft, `must not exceed hard (${hard})`);
  return { type, hard, soft };
}

/** `base` with each given rlimit replacing the one of the same type, others appended. */
export function mergeRlimits(base: readonly POSIXRlimit[], extra: unknown, field = "rlimits"): POSIXRlimit[] {
  if (!Array.isArray(extra)) throw invalid(field, extra, "must be an array of rlimits");
  const result = base.map((r) => ({ ...r }));
  extra.forEach((item, i) => {
    const limit = checkRlimit(`${field}[${i}]`, item);
    const at = result.findIndex((r) => r.type === limit.type);
    if (at >= 0) result[at] = limit;
    else result.push(limit);
  });
  return result;
}
