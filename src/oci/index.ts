/**
 * OCI runtime spec: types, containerd's defaults, and the options that build a spec.
 * Pure logic: nothing here talks to containerd or reads the host.
 *
 * @module
 */
export {
  ALL_CAPABILITIES,
  applyCapabilityChanges,
  DEFAULT_CAPABILITIES,
  normalizeCapability,
} from "./capabilities.js";
export {
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  defaultNamespaces,
  defaultSpec,
  OCI_VERSION,
  type SpecContext,
} from "./defaults.js";
export { allDevicesAllowed, defaultDeviceRules } from "./devices.js";
export { DEFAULT_PATH_ENV, mergeEnv, normalizeEnv } from "./env.js";
export { defaultMounts, mergeMounts } from "./mounts.js";
export { HOST_NAMESPACES, type HostNamespace, withoutNamespaces } from "./namespaces.js";
export { buildSpec, SPEC_OPTION_KEYS, type SpecOptions } from "./options.js";
export { makePrivileged } from "./privileged.js";
export { applyProcessOptions, PROCESS_OPTION_KEYS, type ProcessOptions } from "./process.js";
export { DEFAULT_CPU_PERIOD, type ResourceOptions, toLinuxResources } from "./resources.js";
export { defaultRlimits, mergeRlimits, RLIMIT_TYPES } from "./rlimits.js";
export type * from "./spec.js";
export { parseUser } from "./user.js";
