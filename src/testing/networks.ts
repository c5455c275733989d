import type { Networks } from "../network/index.js";
import { debug } from "./log.js";

/**
 * @internal Undoes every attachment in the instance's network state directory (any namespace, its
 * container gone or not) and deletes every network it made: nothing of them stays on the host.
 */
export async function removeNetworks(networks: Networks): Promise<void> {
  const removed = await networks.sweep(() => false, { minAge: 0 });
  for (const network of await networks.list()) {
    await networks
      .delete(network.name)
      .catch((err: Error) => debug("network %s: %s", network.name, err.message));
  }
  if (removed.length > 0) debug("removed %d network attachments", removed.length);
}
