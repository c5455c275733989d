import { checkCallOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import { invalid } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import {
  Kind,
  type Info as WireInfo,
} from "../gen/github.com/containerd/containerd/api/services/snapshots/v1/snapshots.js";
import type { Mount } from "../gen/github.com/containerd/containerd/api/types/mount.js";
import type { RootfsMount } from "../runtime/rootfs-mounts.js";
import type { ImagesContext } from "./context.js";
import { toNumber } from "./descriptor.js";

/** containerd's snapshotter on Linux, used when neither the caller nor the namespace's label names one. */
export const DEFAULT_SNAPSHOTTER = "overlayfs";

/** A snapshot's kind: `view` (read-only), `active` (writable) or `committed` (a parent for others). */
export type SnapshotKind = "view" | "active" | "committed" | "unknown";

/** A snapshot's record. */
export interface SnapshotInfo {
  /** Its key (active or view) or name (committed). */
  name: string;
  /** The committed snapshot it is based on; "" for none. */
  parent: string;
  kind: SnapshotKind;
  createdAt: Date;
  updatedAt: Date;
  labels: Record<string, string>;
}

/** Disk a snapshot uses (its own layer only). */
export interface SnapshotUsage {
  size: number;
  inodes: number;
}

/** Options for `prepare`, `view` and `commit`. */
export interface SnapshotOptions extends OperationOptions {
  labels?: Record<string, string>;
}

/** One snapshotter of the namespace (`client.snapshots(name?)`); default `overlayfs`. */
export class Snapshotter {
  /** The snapshotter's name. */
  readonly name: string;
  readonly #ctx: ImagesContext;

  /** @internal */
  constructor(ctx: ImagesContext, name: string) {
    if (typeof name !== "string" || name === "") {
      throw invalid("snapshotter", name, "must be a non-empty name");
    }
    this.#ctx = ctx;
    this.name = name;
  }

  /** Creates a writable snapshot `key` on top of `parent` (a committed name or ""), and returns its mounts. */
  async prepare(key: string, parent = "", options: SnapshotOptions = {}): Promise<RootfsMount[]> {
    options = checkCallOptions(options);
    assertKey(key);
    const res = await this.#ctx.services.snapshots.prepare(
      { snapshotter: this.name, key, parent, labels: { ...options.labels } },
      rawOptions(options, this.#ctx.namespace),
    );
    return fromMounts(res.mounts);
  }

  /** Creates a read-only view `key` of `parent`, and returns its mounts. */
  async view(key: string, parent = "", options: SnapshotOptions = {}): Promise<RootfsMount[]> {
    options = checkCallOptions(options);
    assertKey(key);
    const res = await this.#ctx.services.snapshots.view(
      { snapshotter: this.name, key, parent, labels: { ...options.labels } },
      rawOptions(options, this.#ctx.namespace),
    );
    return fromMounts(res.mounts);
  }

  /** The mounts of an active snapshot or view. */
  async mounts(key: string, options?: OperationOptions): Promise<RootfsMount[]> {
    options = checkCallOptions(options);
    assertKey(key);
    const res = await this.#ctx.services.snapshots.mounts(
      { snapshotter: this.name, key },
      rawOptions(options, this.#ctx.namespace),
    );
    return fromMounts(res.mounts);
  }

  /** Commits active snapshot `key` as `name` (only Commit's labels are kept). */
  async commit(name: string, key: string, options: SnapshotOptions = {}): Promise<void> {
    options = checkCallOptions(options);
    assertKey(name, "name");
    assertKey(key);
    await this.#ctx.services.snapshots.commit(
      { snapshotter: this.name, name, key, labels: { ...options.labels } },
      rawOptions(options, this.#ctx.namespace),
    );
  }

  /** Removes a snapshot; FailedPreconditionError while it has children. */
  async remove(key: string, options?: OperationOptions): Promise<void> {
    options = checkCallOptions(options);
    assertKey(key);
    await this.#ctx.services.snapshots.remove(
      { snapshotter: this.name, key },
      rawOptions(options, this.#ctx.namespace),
    );
  }

  /** A snapshot's record; NotFoundError when missing. */
  async stat(key: string, options?: OperationOptions): Promise<SnapshotInfo> {
    options = checkCallOptions(options);
    assertKey(key);
    const res = await this.#ctx.services.snapshots.stat(
      { snapshotter: this.name, key },
      rawOptions(options, this.#ctx.namespace),
    );
    return toInfo(res.info);
  }

  /** Sets the given labels (an empty value removes one), leaving the others; returns the labels after. */
  async setLabels(
    key: string,
    labels: Record<string, string>,
    options?: OperationOptions,
  ): Promise<Record<string, string>> {
    options = checkCallOptions(options);
    assertKey(key);
    const res = await this.#ctx.services.snapshots.update(
      {
        snapshotter: this.name,
        info: { name: key, labels },
        updateMask: Object.keys(labels).map((k) => `labels.${k}`),
      },
      rawOptions(options, this.#ctx.namespace),
    );
    return toInfo(res.info).labels;
  }

  /** Snapshots, optionally filtered (`parent==…`, `kind==committed`, `labels."k"`); OR'd. */
  async list(options: OperationOptions & { filters?: string[] } = {}): Promise<SnapshotInfo[]> {
    options = checkCallOptions(options);
    const out: SnapshotInfo[] = [];
    const stream = this.#ctx.services.snapshots.list(
      { snapshotter: this.name, filters: options.filters ?? [] },
      rawOptions(options, this.#ctx.namespace),
    );
    for await (const msg of stream) for (const info of msg.info) out.push(toInfo(info));
    return out;
  }

  /** Disk used by a snapshot's own layer. */
  async usage(key: string, options?: OperationOptions): Promise<SnapshotUsage> {
    options = checkCallOptions(options);
    assertKey(key);
    const res = await this.#ctx.services.snapshots.usage(
      { snapshotter: this.name, key },
      rawOptions(options, this.#ctx.namespace),
    );
    return { size: toNumber(res.size), inodes: toNumber(res.inodes) };
  }
}

function assertKey(key: unknown, field = "key"): asserts key is string {
  if (typeof key !== "string" || key === "") {
    throw new InvalidArgumentError(`${field}: must be a non-empty string`, { field });
  }
}

/** @internal */
export function fromMounts(mounts: Mount[]): RootfsMount[] {
  return mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] }));
}

const KINDS: Record<number, SnapshotKind> = {
  [Kind.VIEW]: "view",
  [Kind.ACTIVE]: "active",
  [Kind.COMMITTED]: "committed",
};

function toInfo(info: WireInfo | undefined): SnapshotInfo {
  return {
    name: info?.name ?? "",
    parent: info?.parent ?? "",
    kind: KINDS[info?.kind ?? -1] ?? "unknown",
    createdAt: info?.createdAt ?? new Date(0),
    updatedAt: info?.updatedAt ?? new Date(0),
    labels: { ...info?.labels },
  };
}
