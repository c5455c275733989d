/**
 * Per-task runtime choices (`newTask({ runtimePath, runtimeOptions })`): checked before any RPC and
 * encoded for Tasks.Create, as the Go client's `WithRuntimePath` and task-level runc options.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { checkBoolean, checkInteger, checkString, invalid, isRecord } from "../base/validate.js";
import type { Any } from "../gen/google/protobuf/any.js";
import { encodeAny, RUNC_OPTIONS_TYPE_URL } from "../typeurl/index.js";
import type { RuncOptions } from "./container-info.js";

/** What `newTask` takes to pick the shim and runc options for this task alone. */
export interface TaskRuntimeOptions {
  /**
   * Absolute path of the shim binary for this task (e.g. `/usr/bin/containerd-shim-runc-v2`),
   * instead of the one the container's runtime name resolves to.
   */
  runtimePath?: string;
  /** runc options for this task; containerd uses them instead of the container's. */
  runtimeOptions?: RuncOptions;
}

type Kind = "boolean" | "string" | "uint32";

/** The runc options the SDK sends, with their protobuf kinds; the CRIU paths are checkpoint-only. */
const RUNC_OPTION_KINDS: Record<string, Kind> = {
  noPivotRoot: "boolean",
  noNewKeyring: "boolean",
  shimCgroup: "string",
  ioUid: "uint32",
  ioGid: "uint32",
  binaryName: "string",
  root: "string",
  criuPath: "string",
  systemdCgroup: "boolean",
};

/** The Tasks.Create fields for `options`; InvalidArgumentError naming the first bad field. */
export function taskRuntimeFields(options: TaskRuntimeOptions): {
  runtimePath: string;
  options: Any | undefined;
} {
  let runtimePath = "";
  if (options.runtimePath !== undefined) {
    runtimePath = checkString("runtimePath", options.runtimePath);
    if (!isAbsolute(runtimePath)) {
      throw invalid("runtimePath", runtimePath, "must be an absolute path to a shim binary");
    }
  }
  const runc = options.runtimeOptions;
  if (runc === undefined) return { runtimePath, options: undefined };
  if (!isRecord(runc)) throw invalid("runtimeOptions", runc, "must be an object of runc options");
  for (const [key, value] of Object.entries(runc)) {
    const field = `runtimeOptions.${key}`;
    const kind = RUNC_OPTION_KINDS[key];
    if (kind === undefined) {
      throw invalid(
        field,
        value,
        `cannot be sent (the SDK sends ${Object.keys(RUNC_OPTION_KINDS).join(", ")})`,
      );
    }
    if (value === undefined) continue;
    if (kind === "boolean") checkBoolean(field, value);
    else if (kind === "string") checkString(field, value);
    else checkInteger(field, value, 0, 2 ** 32 - 1);
  }
  return { runtimePath, options: encodeAny(RUNC_OPTIONS_TYPE_URL, runc) };
}
