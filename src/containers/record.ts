import { isAbsolute } from "node:path";
import { assertIdentifier } from "../base/identifiers.js";
import { checkStringRecord, invalid } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import type { Container as ContainerRecord } from "../gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import { buildSpec, SPEC_OPTION_KEYS, type SpecOptions } from "../oci/index.js";
import { applyAdditionalGids, type UserOption } from "../oci/user-option.js";
import { checkExtensions } from "../runtime/container-info.js";
import { encodeAny, RUNC_OPTIONS_TYPE_URL, SPEC_TYPE_URL } from "../typeurl/index.js";
import { commandArgs } from "./command.js";
import { type CreateContainerOptions, DEFAULT_RUNTIME } from "./create-options.js";

/** @internal Record fields a container made from an image carries. */
export interface ImageRecordFields {
  imageRecord?: { image: string; snapshotter: string; snapshotKey: string };
}

/**
 * @internal The record `containers.create` sends: the spec built from the options, the rootfs
 * path, labels, runtime and extensions, all checked before any RPC.
 */
export function containerRecord(
  namespace: string,
  id: string,
  options: CreateContainerOptions & ImageRecordFields,
  user: UserOption,
): ContainerRecord {
  assertIdentifier(id, "id");
  const rootfs = Array.isArray(options.rootfs) ? undefined : options.rootfs;
  if (rootfs !== undefined && (typeof rootfs !== "string" || !isAbsolute(rootfs))) {
    throw invalid("rootfs", rootfs, "must be an absolute path");
  }
  if (options.rootfs === undefined && options.spec?.root?.path === undefined) {
    throw new InvalidArgumentError("rootfs: a rootfs path (or spec.root.path) is required", {
      field: "rootfs",
    });
  }
  const specOptions: Record<string, unknown> = {};
  for (const key of SPEC_OPTION_KEYS) if (options[key] !== undefined) specOptions[key] = options[key];
  if (user.user !== undefined) specOptions.user = user.user;
  specOptions.args = commandArgs(options);
  const spec = buildSpec(specOptions as SpecOptions, { namespace: namespace, id });
  applyAdditionalGids(spec.process, user);
  // The rootfs option wins over a base spec's root: a host path, or mounts the shim puts at "rootfs".
  if (options.rootfs !== undefined) spec.root = { ...spec.root, path: rootfs ?? "rootfs" };
  const runtimeOptions = options.runtime?.options;
  return {
    id,
    labels: checkStringRecord("labels", options.labels ?? {}),
    image: options.imageRecord?.image ?? "",
    runtime: {
      name: options.runtime?.name ?? DEFAULT_RUNTIME,
      options: runtimeOptions ? encodeAny(RUNC_OPTIONS_TYPE_URL, runtimeOptions) : undefined,
    },
    spec: encodeAny(SPEC_TYPE_URL, spec),
    snapshotter: options.imageRecord?.snapshotter ?? "",
    snapshotKey: options.imageRecord?.snapshotKey ?? "",
    createdAt: undefined,
    updatedAt: undefined,
    extensions: checkExtensions("extensions", options.extensions ?? {}),
  };
}
