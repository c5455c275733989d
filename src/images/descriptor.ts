import { createHash } from "node:crypto";
import Long from "long";
import type { Descriptor as WireDescriptor } from "../gen/github.com/containerd/containerd/api/types/descriptor.js";

/** An OS and CPU an image manifest is built for, as OCI image indexes list them. */
export interface Platform {
  /** `linux`, `windows`, … */
  os: string;
  /** Go's GOARCH names: `amd64`, `arm64`, `386`, `arm`, … */
  architecture: string;
  /** CPU variant, e.g. `v8` for arm64; often absent. */
  variant?: string;
}

/** A content-addressed blob: what it is, its digest and its size in bytes. */
export interface Descriptor {
  mediaType: string;
  /** `sha256:<64 hex>`. */
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  /** Only on the entries of an index. */
  platform?: Platform;
  /** Alternative download locations (foreign layers). */
  urls?: string[];
}

/** @internal */
export function toWireDescriptor(d: Descriptor): WireDescriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: Long.fromNumber(d.size),
    annotations: { ...d.annotations },
  };
}

/** @internal */
export function fromWireDescriptor(d: WireDescriptor | undefined): Descriptor {
  const out: Descriptor = { mediaType: d?.mediaType ?? "", digest: d?.digest ?? "", size: toNumber(d?.size) };
  if (d && Object.keys(d.annotations).length > 0) out.annotations = { ...d.annotations };
  return out;
}

/** @internal Long (or anything numeric) to a JS number. */
export function toNumber(value: Long | number | string | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  return value.toNumber();
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** @internal Whether `value` is a sha256 digest in canonical form. */
export function isDigest(value: unknown): value is string {
  return typeof value === "string" && DIGEST.test(value);
}

/** @internal The `sha256:<hex>` digest of `data`. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
