import type { ListContainersOptions } from "./create-options.js";

/**
 * What `client.prune` takes: containerd `filters` as `containers.list` takes them (several are
 * OR'd; none matches every container of the namespace), and the call's `signal` and `timeout`
 * (which bounds the whole prune).
 */
export interface PruneOptions extends ListContainersOptions {}

/** What `client.prune` removed. */
export interface PruneResult {
  /** The containers removed, each with its task, snapshot, network attachment and logs. */
  containers: string[];
  /** Containers already gone whose network attachment a crashed client left, now torn down. */
  networkAttachments: string[];
  /** Containers already gone whose logs a crashed client left, now removed. */
  logs: string[];
}
