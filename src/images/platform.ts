import { invalid, isRecord } from "../base/validate.js";
import type { Descriptor, Platform } from "./descriptor.js";

const ARCH: Record<string, string> = {
  x64: "amd64",
  ia32: "386",
  arm64: "arm64",
  arm: "arm",
  ppc64: "ppc64le",
  s390x: "s390x",
};

/** The platform this process runs on, in Go's names. */
export function hostPlatform(): Platform {
  const architecture = ARCH[process.arch] ?? process.arch;
  const platform: Platform = {
    os: process.platform === "win32" ? "windows" : process.platform,
    architecture,
  };
  if (architecture === "arm64") platform.variant = "v8";
  return platform;
}

/** @internal `linux/amd64`, `linux/arm64/v8`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

function normalVariant(p: Platform): string {
  const v = p.variant ?? "";
  if (p.architecture === "arm64" && v === "v8") return "";
  if (p.architecture === "amd64" && v === "v1") return "";
  return v;
}

/**
 * Ranks a candidate for `want` as containerd's default matcher does: lower is better, undefined is
 * no match. amd64 also runs 386; arm64 also runs arm/v8; entries without a platform come last.
 * @internal
 */
export function platformRank(want: Platform, have: Platform | undefined): number | undefined {
  if (have === undefined) return 100;
  if (have.os !== want.os) return undefined;
  const candidates: Platform[] = [want];
  if (want.architecture === "amd64") candidates.push({ os: want.os, architecture: "386" });
  if (want.architecture === "arm64") candidates.push({ os: want.os, architecture: "arm", variant: "v8" });
  for (const [i, c] of candidates.entries()) {
    if (c.architecture === have.architecture && normalVariant(c) === normalVariant(have)) return i;
  }
  return undefined;
}

/** @internal The best entry of an index for `want`, or undefined. */
export function selectManifest(entries: Descriptor[], want: Platform): Descriptor | undefined {
  let best: Descriptor | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const entry of entries) {
    const rank = platformRank(want, entry.platform);
    if (rank !== undefined && rank < bestRank) {
      best = entry;
      bestRank = rank;
    }
  }
  return best;
}

/** @internal Whether an index entry is kept for `want`: always with `all`, and when it names no platform. */
export function keepsEntry(entry: Descriptor, want: Platform, all = false): boolean {
  return all || !entry.platform || platformRank(want, entry.platform) !== undefined;
}

/** @internal InvalidArgumentError naming `field` unless `value` is a platform of strings. */
export function checkPlatform(value: unknown, field = "platform"): asserts value is Platform {
  const strings =
    isRecord(value) &&
    typeof value.os === "string" &&
    typeof value.architecture === "string" &&
    (value.variant === undefined || typeof value.variant === "string");
  if (!strings) throw invalid(field, value, "must be { os, architecture, variant? } of strings");
}
