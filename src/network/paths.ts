/**
 * Where the SDK keeps a host's networking state. Everything lives under one state directory:
 *
 * ```text
 * <stateDir>/net.d/<network>.conflist      conflists (each carries the SDK's record of its network)
 * <stateDir>/ipam/<bridge>/                host-local's reservations, one file per IP
 * <stateDir>/results/<namespace>/<id>.json the attachment cache: the ADD result DEL needs
 * <stateDir>/netns/<namespace>/<id>        pinned network namespaces (nsfs bind mounts)
 * <stateDir>/etc/<namespace>/<id>/         hosts, hostname and resolv.conf the container mounts
 * <stateDir>/lock                          serialises attachment changes between processes
 * ```
 *
 * Subnets, bridge names and host ports are shared by the whole host, so their claims are kept in
 * one host-wide file beside any state directory ({@link DEFAULT_CLAIMS_FILE}).
 *
 * @module
 */
import { join } from "node:path";

/** The state directory when none is given. */
export const DEFAULT_STATE_DIR = "/var/lib/containerd-sdk/cni";

/** The host-wide claims of subnets, bridges and host ports, shared by every state directory. */
export const DEFAULT_CLAIMS_FILE = "/var/lib/containerd-sdk/network-claims.json";

/** The paths of one state directory. */
export interface StatePaths {
  readonly root: string;
  readonly ipam: string;
  readonly lock: string;
  readonly netd: string;
  readonly results: string;
  conflist(network: string): string;
  result(namespace: string, id: string): string;
  netns(namespace: string, id: string): string;
  etc(namespace: string, id: string): string;
}

/** The layout under `root`. Names are identifiers (checked before), so they are safe path parts. */
export function statePaths(root: string): StatePaths {
  const netd = join(root, "net.d");
  const results = join(root, "results");
  return {
    root,
    ipam: join(root, "ipam"),
    lock: join(root, "lock"),
    netd,
    results,
    conflist: (network) => join(netd, `${network}.conflist`),
    result: (namespace, id) => join(results, namespace, `${id}.json`),
    netns: (namespace, id) => join(root, "netns", namespace, id),
    etc: (namespace, id) => join(root, "etc", namespace, id),
  };
}
