/**
 * Sharing host namespaces.
 *
 * @module
 */

import { checkString, invalid } from "../base/validate.js";
import type { LinuxNamespace } from "./spec.js";

/**
 * Namespaces a container may share with the host. `mount` is not among them: runc
 * needs a private mount namespace to pivot into the rootfs and to apply masked and
 * read-only paths, so a spec without one fails at start.
 */
export const HOST_NAMESPACES = ["pid", "ipc", "uts", "network"] as const;

/** One of {@link HOST_NAMESPACES}. */
export type HostNamespace = (typeof HOST_NAMESPACES)[number];

/**
 * `namespaces` without the listed types, so the container joins the host's instead
 * (containerd's `WithHostNamespace`). Only the namespace entry goes: host networking
 * does not also bind-mount `/etc/hosts` or `/etc/resolv.conf`.
 */
export function withoutNamespaces(
  namespaces: readonly LinuxNamespace[],
  hostNamespaces: unknown,
  field = "hostNamespaces",
): LinuxNamespace[] {
  if (!Array.isArray(hostNamespaces)) throw invalid(field, hostNamespaces, "must be an array");
  const drop = hostNamespaces.map((item, i) => {
    const name = checkString(`${field}[${i}]`, item);
    if (!(HOST_NAMESPACES as readonly string[]).includes(name)) {
      throw invalid(
        `${field}[${i}]`,
        item,
        `is not a namespace that can be shared (${HOST_NAMESPACES.join(", ")})`,
      );
    }
    return name;
  });
  return namespaces.filter((ns) => !drop.includes(ns.type)).map((ns) => ({ ...ns }));
}
