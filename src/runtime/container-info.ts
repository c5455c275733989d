import { invalid, isRecord } from "../base/validate.js";
import type { Container as ContainerRecord } from "../gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import type { Spec } from "../oci/index.js";
import { type AnyValue, decodeAny, RUNC_OPTIONS_TYPE_URL } from "../typeurl/index.js";

/** runc's options for `io.containerd.runc.v2` (`containerd.runc.v1.Options`); unset fields keep runc's defaults. */
export interface RuncOptions {
  /** Don't use pivot_root to jail the process inside the rootfs. */
  noPivotRoot?: boolean;
  /** Don't create a new session keyring for the container. */
  noNewKeyring?: boolean;
  /** Cgroup path the shim is placed in. */
  shimCgroup?: string;
  /** Owner uid of the stdio FIFOs the shim opens. */
  ioUid?: number;
  /** Owner gid of the stdio FIFOs the shim opens. */
  ioGid?: number;
  /** The runc binary (name on the shim's PATH, or absolute path). */
  binaryName?: string;
  /** runc's state root. */
  root?: string;
  /** The criu binary used for checkpoints. */
  criuPath?: string;
  /** Use systemd to manage cgroups. */
  systemdCgroup?: boolean;
}

/** Which shim runs a container's tasks. */
export interface RuntimeInfo {
  /** Default `io.containerd.runc.v2`. */
  name: string;
  /** runc options when the runtime is runc's. */
  options?: RuncOptions;
}

/** An extension or other opaque value stored with a container: type URL and encoded bytes. */
export type { AnyValue };

/** A container's record as containerd stores it. */
export interface ContainerInfo {
  id: string;
  labels: Record<string, string>;
  image: string;
  runtime: RuntimeInfo;
  spec: Spec;
  snapshotter: string;
  snapshotKey: string;
  createdAt: Date;
  updatedAt: Date;
  extensions: Record<string, AnyValue>;
}

/** @internal The generated record as the public shape. */
export function toContainerInfo(record: ContainerRecord): ContainerInfo {
  const options = record.runtime?.options;
  return {
    id: record.id,
    labels: { ...record.labels },
    image: record.image,
    runtime: {
      name: record.runtime?.name ?? "",
      ...(options?.typeUrl.endsWith(RUNC_OPTIONS_TYPE_URL)
        ? { options: decodeAny(options).value as RuncOptions }
        : {}),
    },
    spec: (record.spec ? decodeAny(record.spec).value : {}) as Spec,
    snapshotter: record.snapshotter,
    snapshotKey: record.snapshotKey,
    createdAt: record.createdAt ?? new Date(0),
    updatedAt: record.updatedAt ?? new Date(0),
    extensions: Object.fromEntries(
      Object.entries(record.extensions).map(([k, v]) => [k, { typeUrl: v.typeUrl, value: v.value }]),
    ),
  };
}

/** @internal Checks extensions (name to Any) before they are encoded; returns a copy. */
export function checkExtensions(field: string, value: unknown): Record<string, AnyValue> {
  if (!isRecord(value)) throw invalid(field, value, "must be an object of { typeUrl, value } entries");
  for (const [name, any] of Object.entries(value)) {
    if (!isRecord(any) || typeof any.typeUrl !== "string" || !(any.value instanceof Uint8Array)) {
      throw invalid(`${field}.${name}`, any, "must be { typeUrl: string, value: Uint8Array }");
    }
  }
  return { ...(value as Record<string, AnyValue>) };
}
