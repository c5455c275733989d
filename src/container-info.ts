import type { Container as ContainerRecord } from "./gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import type { Options as RuncOptionsMessage } from "./gen/github.com/containerd/containerd/runtime/v2/runc/options/oci.js";
import type { Spec } from "./oci/index.js";
import { decodeAny, RUNC_OPTIONS_TYPE_URL } from "./typeurl/index.js";

/** runc's options for `io.containerd.runc.v2` (containerd.runc.v1.Options). */
export type RuncOptions = Partial<Omit<RuncOptionsMessage, "criuImagePath" | "criuWorkPath">>;

/** Which shim runs a container's tasks. */
export interface RuntimeInfo {
  /** Default `io.containerd.runc.v2`. */
  name: string;
  /** runc options when the runtime is runc's. */
  options?: RuncOptions;
}

/** An extension or other opaque value stored with a container: type URL and encoded bytes. */
export interface AnyValue {
  typeUrl: string;
  value: Uint8Array;
}

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
