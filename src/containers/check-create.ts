/**
 * `containers.create`'s options checked before anything runs: names, and the type of every option
 * the creation reads itself (the spec options are checked where the spec is built).
 *
 * @module
 */
import { checkOptions } from "../base/call-options.js";
import { checkOptionKeys, OPERATION_OPTION_KEYS, optionKeys } from "../base/option-keys.js";
import { checkString, checkStringArray, invalid, isRecord } from "../base/validate.js";
import { SPEC_OPTION_KEYS } from "../oci/index.js";
import type { CreateContainerOptions } from "./create-options.js";

const CREATE_KEYS = optionKeys<CreateContainerOptions>()([
  ...OPERATION_OPTION_KEYS,
  ...SPEC_OPTION_KEYS,
  "rootfs",
  "image",
  "entrypoint",
  "snapshotter",
  "labels",
  "runtime",
  "extensions",
]);
const RUNTIME_KEYS = optionKeys<NonNullable<CreateContainerOptions["runtime"]>>()(["name", "options"]);

/** @internal Checks what `containers.create` was given; returns it as an object (`{}` when absent). */
export function checkCreateOptions(options: CreateContainerOptions | undefined): CreateContainerOptions {
  const checked = checkOptions(options, CREATE_KEYS);
  const { rootfs, image, entrypoint, args, snapshotter, runtime, spec } = checked;
  if (rootfs !== undefined && typeof rootfs !== "string" && !Array.isArray(rootfs)) {
    throw invalid("rootfs", rootfs, "must be an absolute path or an array of mounts");
  }
  if (image !== undefined && (typeof image !== "string" || image === "")) {
    throw invalid("image", image, "must be a non-empty image name");
  }
  if (entrypoint !== undefined) checkStringArray("entrypoint", entrypoint);
  if (args !== undefined) checkStringArray("args", args);
  if (snapshotter !== undefined) checkString("snapshotter", snapshotter);
  if (spec !== undefined && !isRecord(spec)) throw invalid("spec", spec, "must be an OCI spec object");
  if (runtime !== undefined) {
    if (!isRecord(runtime)) throw invalid("runtime", runtime, "must be an object: { name, options }");
    checkOptionKeys(runtime, RUNTIME_KEYS, "runtime");
    if (runtime.name !== undefined) checkString("runtime.name", runtime.name);
    if (runtime.options !== undefined && !isRecord(runtime.options)) {
      throw invalid("runtime.options", runtime.options, "must be an object of runc options");
    }
  }
  return checked;
}
