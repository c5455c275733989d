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
import { applyProcessOptions, PROCESS_OPTION_KEYS, type ProcessOptions } from "./process.js";
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
  /** A complete spec used as is (deep-copied); no other option may be given with it. */
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

function specOverride(opts: Record<string, unknown>): Spec {
  const others = SPEC_OPTION_KEYS.filter((key) => key !== "spec" && opts[key] !== undefined);
  if (others.length > 0) {
    throw new InvalidArgumentError(
      `spec: a full spec override cannot be combined with other spec options (${others.join(", ")})`,
      { field: "spec" },
    );
  }
  let spec: unknown;
  try {
    // A JSON round trip is the copy containerd will actually receive: undefined fields vanish.
    spec = JSON.parse(JSON.stringify(opts.spec));
  } catch (cause) {
    throw new InvalidArgumentError("spec: must be JSON-serialisable", { cause, field: "spec" });
  }
  if (!isRecord(spec) || typeof spec.ociVersion !== "string") {
    throw invalid("spec", opts.spec, "must be an OCI spec object with an ociVersion string");
  }
  return spec as unknown as Spec;
}

/**
 * Builds the spec for container `ctx.id` in `ctx.namespace`. With `opts.spec` that spec
 * is returned as a deep copy and every other option must be absent. Otherwise it starts
 * from {@link defaultSpec} and applies, in order:
 *
 * 1. `privileged` (first, so the options below can still narrow it: `capDrop` works)
 * 2. process options: `args`, `terminal`, `env`, `cwd`, `user`, `rlimits`, `noNewPrivileges`
 * 3. `hostname`
 * 4. `mounts`
 * 5. `readonlyRootfs`
 * 6. `hostNamespaces`
 * 7. `capDrop`, then `capAdd`
 * 8. `resources` (device rules from the defaults or `privileged` are kept)
 * 9. `annotations`
 *
 * Options are checked before anything is returned; the first bad one throws
 * InvalidArgumentError with `field` set. Keys other than those in
 * {@link SPEC_OPTION_KEYS} are ignored, so a container-create options object can be
 * passed whole.
 */
export function buildSpec(opts: SpecOptions, ctx: SpecContext): Spec {
  if (!isRecord(opts)) throw invalid("options", opts, "must be an object");
  const o = opts as SpecOptions & Record<string, unknown>;
  if (o.spec !== undefined) return specOverride(o);

  let spec = defaultSpec(ctx);
  if (o.privileged !== undefined && checkBoolean("privileged", o.privileged)) spec = makePrivileged(spec);
  // defaultSpec always has these sections; the fallbacks only satisfy the type checker.
  spec.linux ??= {};
  const linux = spec.linux;
  spec.process = applyProcessOptions(spec.process ?? { user: { uid: 0, gid: 0 }, cwd: "/" }, o);

  if (o.hostname !== undefined) {
    const hostname = checkString("hostname", o.hostname);
    if (hostname.length === 0 || hostname.length > 64) {
      throw invalid("hostname", o.hostname, "must be 1 to 64 characters");
    }
    if (Array.isArray(o.hostNamespaces) && o.hostNamespaces.includes("uts")) {
      throw invalid("hostname", o.hostname, 'cannot be set when the "uts" namespace is shared with the host');
    }
    spec.hostname = hostname;
  }
  if (o.mounts !== undefined) spec.mounts = mergeMounts(spec.mounts ?? [], o.mounts, "mounts");
  if (o.readonlyRootfs !== undefined) {
    spec.root ??= { path: "rootfs" };
    const root = spec.root;
    if (checkBoolean("readonlyRootfs", o.readonlyRootfs)) root.readonly = true;
    else delete root.readonly;
  }
  if (o.hostNamespaces !== undefined) {
    linux.namespaces = withoutNamespaces(linux.namespaces ?? [], o.hostNamespaces, "hostNamespaces");
  }
  if (o.capAdd !== undefined || o.capDrop !== undefined) {
    spec.process.capabilities = applyCapabilityChanges(spec.process.capabilities ?? {}, o.capAdd, o.capDrop);
  }
  if (o.resources !== undefined) {
    linux.resources = { ...linux.resources, ...toLinuxResources(o.resources, "resources") };
  }
  if (o.annotations !== undefined) {
    spec.annotations = { ...spec.annotations, ...checkStringRecord("annotations", o.annotations) };
  }
  return spec;
}
