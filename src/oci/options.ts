/**
 * The options object that turns into a container's spec.
 *
 * @module
 */

import { checkBoolean, checkString, checkStringRecord, invalid, isRecord } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import { applyCapabilityChanges } from "./capabilities.js";
import { defaultSpec, type SpecContext } from "./defaults.js";
import { mergeMounts } from "./mounts.js";
import { type HostNamespace, withoutNamespaces } from "./namespaces.js";
import { makePrivileged } from "./privileged.js";
import { applyProcessOptionsTo, PROCESS_OPTION_KEYS, type ProcessOptions } from "./process.js";
import { type ResourceOptions, toLinuxResources } from "./resources.js";
import type { Mount, Spec } from "./spec.js";

/** Everything a caller may say about a container's spec. All fields are optional. */
export interface SpecOptions extends ProcessOptions {
  /** Hostname inside the container's UTS namespace (at most 64 characters). */
  hostname?: string;
  /** Extra mounts, appended; one at the destination of a default mount replaces it in place. */
  mounts?: Mount[];
  /** Cgroup limits, see {@link ResourceOptions}. */
  resources?: ResourceOptions;
  /** Mount the rootfs read-only. */
  readonlyRootfs?: boolean;
  /** Namespaces to share with the host instead of creating. */
  hostNamespaces?: HostNamespace[];
  /** Capabilities to grant: `"NET_ADMIN"`, `"CAP_NET_ADMIN"` or `"ALL"`. Applied after `capDrop`. */
  capAdd?: string[];
  /** Capabilities to remove: names as in `capAdd`, or `"ALL"`. */
  capDrop?: string[];
  /** All capabilities and devices, no masked/read-only paths, writable /sys. */
  privileged?: boolean;
  /** Merged into `spec.annotations`. */
  annotations?: Record<string, string>;
  /**
   * The spec to start from instead of containerd's default (deep-copied through JSON, as containerd
   * will store it); every other option is applied on top of it, as on the default.
   */
  spec?: Spec;
}

/** Every option name `buildSpec` reads; lets callers pick them out of a larger object. */
export const SPEC_OPTION_KEYS = [
  ...PROCESS_OPTION_KEYS,
  "hostname",
  "mounts",
  "resources",
  "readonlyRootfs",
  "hostNamespaces",
  "capAdd",
  "capDrop",
  "privileged",
  "annotations",
  "spec",
] as const satisfies readonly (keyof SpecOptions)[];

/** A deep copy of the caller's base spec, as JSON keeps it: undefined fields vanish. */
function baseSpec(value: unknown): Spec {
  let spec: unknown;
  try {
    spec = JSON.parse(JSON.stringify(value));
  } catch (cause) {
    throw new InvalidArgumentError("spec: must be JSON-serialisable", { cause, field: "spec" });
  }
  if (!isRecord(spec) || typeof spec.ociVersion !== "string") {
    throw invalid("spec", value, "must be an OCI spec object with an ociVersion string");
  }
  return spec as unknown as Spec;
}

/**
 * Builds the spec for container `ctx.id` in `ctx.namespace`: a deep copy of `opts.spec` when given,
 * else {@link defaultSpec}, with the options applied in this order:
 *
 * 1. `privileged` (first, so the options below can still narrow it: `capDrop` works)
 * 2. process options: `args`, `terminal`, `env`, `cwd`, `user`, `rlimits`, `noNewPrivileges`
 * 3. `hostname`
 * 4. `mounts`
 * 5. `readonlyRootfs`
 * 6. `hostNamespaces`
 * 7. `capDrop`, then `capAdd`
 * 8. `resources` (device rules from the base or `privileged` are kept)
 * 9. `annotations`
 *
 * A section the options do not touch stays as the base has it (a base spec without `process` or
 * `linux` gets none). Options are checked before anything is returned; the first bad one throws
 * InvalidArgumentError with `field` set. Keys other than those in {@link SPEC_OPTION_KEYS} are
 * ignored, so a container-create options object can be passed whole.
 */
export function buildSpec(opts: SpecOptions, ctx: SpecContext): Spec {
  if (!isRecord(opts)) throw invalid("options", opts, "must be an object");
  const o = opts as SpecOptions & Record<string, unknown>;
  let spec = o.spec === undefined ? defaultSpec(ctx) : baseSpec(o.spec);
  if (o.privileged !== undefined && checkBoolean("privileged", o.privileged)) spec = makePrivileged(spec);
  if (spec.process !== undefined || PROCESS_OPTION_KEYS.some((key) => o[key] !== undefined)) {
    // The spec is this call's own (a fresh default or a copy): its process is changed in place.
    spec.process = applyProcessOptionsTo(spec.process ?? { user: { uid: 0, gid: 0 }, cwd: "/" }, o);
  }
  if (o.hostname !== undefined) spec.hostname = checkHostname(o);
  if (o.mounts !== undefined) spec.mounts = mergeMounts(spec.mounts ?? [], o.mounts, "mounts");
  if (o.readonlyRootfs !== undefined) {
    spec.root ??= { path: "rootfs" };
    const root = spec.root;
    if (checkBoolean("readonlyRootfs", o.readonlyRootfs)) root.readonly = true;
    else delete root.readonly;
  }
  if (o.hostNamespaces !== undefined) {
    spec.linux ??= {};
    spec.linux.namespaces = withoutNamespaces(
      spec.linux.namespaces ?? [],
      o.hostNamespaces,
      "hostNamespaces",
    );
  }
  if (o.capAdd !== undefined || o.capDrop !== undefined) {
    spec.process ??= { user: { uid: 0, gid: 0 }, cwd: "/" };
    spec.process.capabilities = applyCapabilityChanges(spec.process.capabilities ?? {}, o.capAdd, o.capDrop);
  }
  if (o.resources !== undefined) {
    spec.linux ??= {};
    spec.linux.resources = { ...spec.linux.resources, ...toLinuxResources(o.resources, "resources") };
  }
  if (o.annotations !== undefined) {
    spec.annotations = { ...spec.annotations, ...checkStringRecord("annotations", o.annotations) };
  }
  return spec;
}

function checkHostname(o: SpecOptions): string {
  const hostname = checkString("hostname", o.hostname);
  if (hostname.length === 0 || hostname.length > 64) {
    throw invalid("hostname", o.hostname, "must be 1 to 64 characters");
  }
  if (Array.isArray(o.hostNamespaces) && o.hostNamespaces.includes("uts")) {
    throw invalid("hostname", o.hostname, 'cannot be set when the "uts" namespace is shared with the host');
  }
  return hostname;
}
