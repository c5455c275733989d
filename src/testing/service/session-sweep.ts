import { Client } from "../../client.js";
import { filters } from "../../events/filters.js";
import { debug } from "../log.js";
import { SESSION_LABEL } from "./session.js";

/** @internal Where a session's things live, as its watchdog is told. */
export interface SessionTarget {
  /** containerd's socket. */
  address: string;
  namespace: string;
  /** The client's network state directory. */
  stateDir: string;
  session: string;
}

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * @internal Force-deletes every container of the target's namespace labelled with the session (its
 * task, snapshot, network attachment and logs go with it), then the session's networks.
 */
export async function sweepSession(target: SessionTarget): Promise<void> {
  const client = await Client.connect({
    address: target.address,
    namespace: target.namespace,
    network: { stateDir: target.stateDir },
    timeout: CONNECT_TIMEOUT_MS,
  });
  try {
    const left = await client.containers.list({ filters: [filters.label(SESSION_LABEL, target.session)] });
    for (const container of left) {
      await container
        .delete({ force: true })
        .catch((err: Error) => debug("sweep %s: %s", container.id, err.message));
    }
    for (const network of await client.networks.list()) {
      if (network.labels[SESSION_LABEL] !== target.session) continue;
      await client.networks
        .delete(network.name)
        .catch((err: Error) => debug("sweep network %s: %s", network.name, err.message));
    }
  } finally {
    await client.close();
  }
}
