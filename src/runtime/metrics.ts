import Long from "long";
import type { Metrics as V1Metrics } from "../gen/github.com/containerd/cgroups/stats/v1/metrics.js";
import type { Metrics as V2Metrics } from "../gen/github.com/containerd/cgroups/v2/stats/metrics.js";
import type { Metric } from "../gen/github.com/containerd/containerd/api/types/metrics.js";
import { decodeAny } from "../typeurl/index.js";

/** A task's cgroup figures, the same shape for cgroups v1 and v2. 64-bit counters are bigint. */
export interface TaskMetrics {
  /** Which cgroup hierarchy the figures come from. */
  cgroup: "v1" | "v2";
  /** When containerd read them. */
  timestamp: Date;
  pids: { current: bigint; limit: bigint };
  cpu: {
    usageNs: bigint;
    userNs: bigint;
    systemNs: bigint;
    periods: bigint;
    throttledPeriods: bigint;
    throttledNs: bigint;
  };
  /** `limit` is the kernel's "no limit" figure when none is set. */
  memory: { usage: bigint; limit: bigint; swapUsage: bigint; swapLimit: bigint };
  /** Every figure containerd sent, as decoded from `io.containerd.cgroups.v1|v2.Metrics`, Longs as bigint. */
  raw: Record<string, unknown>;
}

const ZERO = 0n;

/** @internal A Metrics RPC entry as TaskMetrics; undefined for a payload of another type. */
export function toTaskMetrics(metric: Metric): TaskMetrics | undefined {
  if (!metric.data) return undefined;
  const { typeUrl, value } = decodeAny(metric.data);
  const timestamp = metric.timestamp ?? new Date(0);
  if (typeUrl === "io.containerd.cgroups.v1.Metrics") return fromV1(value as V1Metrics, timestamp);
  if (typeUrl === "io.containerd.cgroups.v2.Metrics") return fromV2(value as V2Metrics, timestamp);
  return undefined;
}

function fromV1(m: V1Metrics, timestamp: Date): TaskMetrics {
  const usage = m.cpu?.usage;
  const throttle = m.cpu?.throttling;
  return {
    cgroup: "v1",
    timestamp,
    pids: { current: big(m.pids?.current), limit: big(m.pids?.limit) },
    cpu: {
      usageNs: big(usage?.total),
      userNs: big(usage?.user),
      systemNs: big(usage?.kernel),
      periods: big(throttle?.periods),
      throttledPeriods: big(throttle?.throttledPeriods),
      throttledNs: big(throttle?.throttledTime),
    },
    memory: {
      usage: big(m.memory?.usage?.usage),
      limit: big(m.memory?.usage?.limit),
      swapUsage: big(m.memory?.swap?.usage),
      swapLimit: big(m.memory?.swap?.limit),
    },
    raw: toPlain(m) as Record<string, unknown>,
  };
}

function fromV2(m: V2Metrics, timestamp: Date): TaskMetrics {
  const usec = (v: Long | undefined) => big(v) * 1000n;
  return {
    cgroup: "v2",
    timestamp,
    pids: { current: big(m.pids?.current), limit: big(m.pids?.limit) },
    cpu: {
      usageNs: usec(m.cpu?.usageUsec),
      userNs: usec(m.cpu?.userUsec),
      systemNs: usec(m.cpu?.systemUsec),
      periods: big(m.cpu?.nrPeriods),
      throttledPeriods: big(m.cpu?.nrThrottled),
      throttledNs: usec(m.cpu?.throttledUsec),
    },
    memory: {
      usage: big(m.memory?.usage),
      limit: big(m.memory?.usageLimit),
      swapUsage: big(m.memory?.swapUsage),
      swapLimit: big(m.memory?.swapLimit),
    },
    raw: toPlain(m) as Record<string, unknown>,
  };
}

function big(value: Long | undefined): bigint {
  return value === undefined ? ZERO : BigInt(value.toString());
}

/** Generated messages with every Long turned into bigint, so `raw` speaks plain TypeScript. */
function toPlain(value: unknown): unknown {
  if (Long.isLong(value)) return BigInt(value.toString());
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
