import type { Client } from "../../client.js";
import { isAlreadyExists } from "../../errors/index.js";
import { debug } from "../log.js";
import { REUSE_LABEL, SESSION_LABEL, sessionId } from "./session.js";

/** The session's network's name. */
function sessionNetworkName(): string {
  return `csdk-session-${sessionId()}`;
}

/** The network reusable services share across sessions; never removed by a session. */
const REUSE_NETWORK = "csdk-reuse";

async function ensure(client: Client, name: string, labels: Record<string, string>): Promise<void> {
  try {
    await client.networks.create(name, { labels });
    debug("network %s made", name);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/**
 * @internal The session's bridge network in `client`'s network state, made on first use; resolves
 * with its name. It stays for the session's later services (making and removing a bridge network
 * costs more than starting a service), and the session's watchdog removes it once this process has
 * ended, however it ends.
 */
export async function sessionNetwork(client: Client): Promise<string> {
  const name = sessionNetworkName();
  await ensure(client, name, { [SESSION_LABEL]: sessionId() });
  return name;
}

/** @internal The network reusable services join, made on first use and kept. */
export async function reuseNetwork(client: Client): Promise<string> {
  await ensure(client, REUSE_NETWORK, { [REUSE_LABEL]: "true" });
  return REUSE_NETWORK;
}
