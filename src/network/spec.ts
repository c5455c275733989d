/**
 * What an attachment changes in a container's OCI spec: the network namespace it joins (or none,
 * for the host's) and the /etc files it bind-mounts. Pure.
 *
 * @module
 */
import type { Mount, Spec } from "../oci/spec.js";
import type { NetworkAttachment, NetworkInfo, PortProtocol } from "./types.js";

/** Bind mounts of the attachment's hosts, hostname and resolv.conf over the container's /etc. */
export function networkMounts(attachment: NetworkAttachment): Mount[] {
  const bind = (destination: string, source: string): Mount => ({
    destination,
    type: "bind",
    source,
    options: ["rbind", "rprivate"],
  });
  const { files } = attachment;
  return [
    bind("/etc/hosts", files.hosts),
    bind("/etc/hostname", files.hostname),
    bind("/etc/resolv.conf", files.resolvConf),
  ];
}

/** True when the container uses the host's network stack (itself, or through the container it shares). */
function usesHostNetwork(attachment: NetworkAttachment): boolean {
  return attachment.mode === "host" || (attachment.mode === "container" && !attachment.netnsPath);
}

/**
 * A copy of `spec` that joins the attachment's network: `linux.namespaces` gets
 * `{ type: "network", path }` for a pinned namespace, a fresh `{ type: "network" }` for `none`, or no
 * network entry for the host's; the /etc files are mounted where the spec mounts nothing already (a
 * caller's own /etc/hosts wins); `hostname` is set when the spec has none.
 */
export function applyNetwork(spec: Spec, attachment: NetworkAttachment): Spec {
  const out = structuredClone(spec);
  out.linux ??= {};
  const others = (out.linux.namespaces ?? []).filter((ns) => ns.type !== "network");
  if (usesHostNetwork(attachment)) out.linux.namespaces = others;
  else if (attachment.netnsPath)
    out.linux.namespaces = [...others, { type: "network", path: attachment.netnsPath }];
  else out.linux.namespaces = [...others, { type: "network" }];
  const mounts = out.mounts ?? [];
  out.mounts = [
    ...mounts,
    ...networkMounts(attachment).filter((m) => !mounts.some((x) => x.destination === m.destination)),
  ];
  if (attachment.mode !== "container") out.hostname ??= attachment.hostname;
  return out;
}

/** The host port publishing `containerPort`, or undefined (what `task.hostPort(6379)` answers). */
export function hostPortOf(
  info: NetworkInfo,
  containerPort: number,
  protocol: PortProtocol = "tcp",
): number | undefined {
  return info.ports.find((p) => p.containerPort === containerPort && p.protocol === protocol)?.hostPort;
}
