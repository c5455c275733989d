/**
 * Caller-friendly resource limits and their cgroup form.
 *
 * @module
 */

import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { checkInteger, checkString, invalid, isRecord } from "../base/validate.js";
import type { LinuxResources } from "./spec.js";

/** Resource limits in plain units. Every field is optional; absent means "leave as is". */
export interface ResourceOptions {
  /** Memory limit in bytes (`memory.limit`). */
  memory?: number;
  /** Soft limit in bytes (`memory.reservation`); must not exceed `memory`. */
  memoryReservation?: number;
  /** Memory plus swap in bytes (`memory.swap`), `-1` for unlimited swap; must be >= `memory`. */
  memorySwap?: number;
  /**
   * Fractional CPUs, as Docker's `--cpus`: `1.5` becomes quota 150000 over period
   * 100000. At least 0.01 (the kernel's 1 ms minimum quota). Excludes `cpuQuota`/`cpuPeriod`.
   */
  cpus?: number;
  /** Relative CPU weight, 2 to 262144 (runc maps it to `cpu.weight` on cgroup v2). */
  cpuShares?: number;
  /** CFS quota in microseconds per period, at least 1000. */
  cpuQuota?: number;
  /** CFS period in microseconds, 1000 to 1000000. */
  cpuPeriod?: number;
  /** CPUs the container may run on, e.g. `"0-2,4"`. */
  cpusetCpus?: string;
  /** Memory nodes the container may use, e.g. `"0"`. */
  cpusetMems?: string;
  /** Maximum number of processes (`pids.limit`). */
  pids?: number;
}

const RESOURCE_KEYS = optionKeys<ResourceOptions>()([
  "memory",
  "memoryReservation",
  "memorySwap",
  "cpus",
  "cpuShares",
  "cpuQuota",
  "cpuPeriod",
  "cpusetCpus",
  "cpusetMems",
  "pids",
]);

/** The CFS period Docker uses for `--cpus`. */
export const DEFAULT_CPU_PERIOD = 100_000;

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

function cpuList(field: string, value: unknown): string {
  const list = checkString(field, value);
  if (!CPU_LIST.test(list)) throw invalid(field, value, 'must be a list like "0-2,4"');
  return list;
}

/**
 * Converts `ResourceOptions` to the runtime-spec `LinuxResources` JSON. Used when a
 * container is created and by `task.update` (which sends the result as
 * `types.containerd.io/opencontainers/runtime-spec/1/LinuxResources`). Only the groups
 * with a set field appear; device rules are never produced here. Throws
 * InvalidArgumentError naming the field (`resources.cpus` …) for bad or unknown input.
 */
export function toLinuxResources(resources: ResourceOptions, field = "resources"): LinuxResources {
  if (!isRecord(resources)) throw invalid(field, resources, "must be an object");
  const r = resources as Record<string, unknown>;
  checkOptionKeys(r, RESOURCE_KEYS, field);
  const f = (key: string) => `${field}.${key}`;
  const out: LinuxResources = {};

  const memory = r.memory === undefined ? undefined : checkInteger(f("memory"), r.memory, 1);
  const reservation =
    r.memoryReservation === undefined
      ? undefined
      : checkInteger(f("memoryReservation"), r.memoryReservation, 1);
  const swap = r.memorySwap === undefined ? undefined : checkInteger(f("memorySwap"), r.memorySwap, -1);
  if (swap === 0)
    throw invalid(f("memorySwap"), swap, "must be -1 (unlimited) or a positive number of bytes");
  if (memory !== undefined && reservation !== undefined && reservation > memory) {
    throw invalid(f("memoryReservation"), reservation, `must not exceed memory (${memory})`);
  }
  if (memory !== undefined && swap !== undefined && swap !== -1 && swap < memory) {
    throw invalid(f("memorySwap"), swap, `must be at least memory (${memory}): it is memory plus swap`);
  }
  if (memory !== undefined || reservation !== undefined || swap !== undefined) {
    out.memory = {};
    if (memory !== undefined) out.memory.limit = memory;
    if (reservation !== undefined) out.memory.reservation = reservation;
    if (swap !== undefined) out.memory.swap = swap;
  }

  const cpu: NonNullable<LinuxResources["cpu"]> = {};
  if (r.cpus !== undefined) {
    if (r.cpuQuota !== undefined || r.cpuPeriod !== undefined) {
      throw invalid(f("cpus"), r.cpus, "cannot be combined with cpuQuota or cpuPeriod");
    }
    if (typeof r.cpus !== "number" || !Number.isFinite(r.cpus) || r.cpus <= 0) {
      throw invalid(f("cpus"), r.cpus, "must be a number greater than 0");
    }
    const quota = Math.round(r.cpus * DEFAULT_CPU_PERIOD);
    if (quota < 1000) throw invalid(f("cpus"), r.cpus, "must be at least 0.01");
    cpu.quota = quota;
    cpu.period = DEFAULT_CPU_PERIOD;
  }
  if (r.cpuShares !== undefined) cpu.shares = checkInteger(f("cpuShares"), r.cpuShares, 2, 262_144);
  if (r.cpuQuota !== undefined) cpu.quota = checkInteger(f("cpuQuota"), r.cpuQuota, 1000);
  if (r.cpuPeriod !== undefined) cpu.period = checkInteger(f("cpuPeriod"), r.cpuPeriod, 1000, 1_000_000);
  if (r.cpusetCpus !== undefined) cpu.cpus = cpuList(f("cpusetCpus"), r.cpusetCpus);
  if (r.cpusetMems !== undefined) cpu.mems = cpuList(f("cpusetMems"), r.cpusetMems);
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  if (r.pids !== undefined) out.pids = { limit: checkInteger(f("pids"), r.pids, 1) };
  return out;
}
