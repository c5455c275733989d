/**
 * Container networking with CNI: bridge networks the SDK keeps (conflists under one state
 * directory), attachments made before a task exists in pinned network namespaces, cached ADD
 * results for DEL from any process, published host ports, per-container hosts files, and the
 * isolation between networks the plugins lack. Wired into the handles by `containers.create`
 * (attach, {@link applyNetwork}) and container delete (detach).
 *
 * @module
 */
export type { AttachOptions } from "./attach-plain.js";
export type { NetworksOptions } from "./context.js";
export { isPinned, pinNetns, unpinNetns } from "./netns.js";
export { Networks } from "./networks.js";
export { applyNetwork, hostPortOf, networkMounts } from "./spec.js";
export type { SweepOptions } from "./sweep.js";
export type {
  Network,
  NetworkAttachment,
  NetworkCreateOptions,
  NetworkFiles,
  NetworkInfo,
  NetworkJoin,
  NetworkRequest,
  PortMapping,
  PortProtocol,
  PublishedPort,
} from "./types.js";
export { type AttachRequest, checkAttachRequest, DEFAULT_NETWORK } from "./validate.js";
