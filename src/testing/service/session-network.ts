import type { Client } from "../../client.js";
import { isAlreadyExists, isConflict, isNotFound } from "../../errors/index.js";
import { debug } from "../log.js";
import { REUSE_LABEL, SESSION_LABEL, sessionId } from "./session.js";

/** The session's users of one network state directory, and the chain its changes run on. */
interface Entry {
  users: number;
  chain: Promise<unknown>;
}

// One entry per network state directory (a private daemon's or the host's), so parallel daemons
// in one process each get a network of their own.
const entries = new Map<string, Entry>();

/** @internal The session's network's name. */
export function sessionNetworkName(): string {
  return `csdk-session-${sessionId()}`;
}

/** @internal The network reusable services share across sessions; never removed by a session. */
export const REUSE_NETWORK = "csdk-reuse";

function entryOf(client: Client): Entry {
  const key = client.networks.stateDir;
  let entry = entries.get(key);
  if (!entry) {
    entry = { users: 0, chain: Promise.resolve() };
    entries.set(key, entry);
  }
  return entry;
}

/** Runs `fn` after the entry's earlier changes, so a removal and a new first use never cross. */
function serially<T>(entry: Entry, fn: () => Promise<T>): Promise<T> {
  const next = entry.chain.then(fn, fn);
  entry.chain = next.catch(() => {});
  return next;
}

async function ensure(client: Client, name: string, labels: Record<string, string>): Promise<void> {
  try {
    await client.networks.create(name, { labels });
    debug("network %s made", name);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/**
 * @internal Takes a use of the session's bridge network in `client`'s network state, making it on
 * first use; resolves with its name. Pair with {@link releaseSessionNetwork}.
 */
export function acquireSessionNetwork(client: Client): Promise<string> {
  const entry = entryOf(client);
  const name = sessionNetworkName();
  return serially(entry, async () => {
    if (entry.users === 0) await ensure(client, name, { [SESSION_LABEL]: sessionId() });
    entry.users++;
    return name;
  });
}

/** @internal Gives a use back; the last one removes the network (quietly if already gone). */
export function releaseSessionNetwork(client: Client): Promise<void> {
  const entry = entryOf(client);
  return serially(entry, async () => {
    entry.users = Math.max(0, entry.users - 1);
    if (entry.users > 0) return;
    await client.networks.delete(sessionNetworkName()).catch((err: unknown) => {
      if (!isNotFound(err) && !isConflict(err)) throw err;
      debug("session network: %s", (err as Error).message);
    });
  });
}

/** @internal The network reusable services join, made on first use and kept. */
export async function reuseNetwork(client: Client): Promise<string> {
  await ensure(client, REUSE_NETWORK, { [REUSE_LABEL]: "true" });
  return REUSE_NETWORK;
}
