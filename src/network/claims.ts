/**
 * The host-wide claims of subnets, bridge names and host ports: one JSON file read and rewritten
 * under its lock, shared by every process and state directory on the host (parallel test files
 * each keep a private state directory, yet their networks share the host's address space and ports).
 * Each claim names the file that owns it (a network's conflist, an attachment's cache); a claim whose
 * owner file is gone is stale and is dropped at the next update, so a crashed process or a removed
 * state directory frees what it held.
 *
 * @module
 */
import { access } from "node:fs/promises";
import { readJson, writeAtomic } from "./files.js";
import { withLock } from "./lock.js";
import type { PortProtocol } from "./types.js";

/** A network's subnet and bridge. */
export interface NetworkClaim {
  subnet: string;
  bridge: string;
  owner: string;
}

/** A published host port; `hostIp` `""` is every address. */
export interface PortClaim {
  protocol: PortProtocol;
  hostIp: string;
  hostPort: number;
  owner: string;
}

/** Everything claimed on the host. */
export interface Claims {
  networks: NetworkClaim[];
  ports: PortClaim[];
  /** The subnet the SDK picked last, where the next pick starts looking (next-fit). */
  lastSubnet?: string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function live<T extends { owner: string }>(claims: unknown): Promise<T[]> {
  if (!Array.isArray(claims)) return [];
  const alive = await Promise.all(claims.map((c: T) => exists(c.owner)));
  return claims.filter((_, i) => alive[i]);
}

/**
 * Runs `change` on the live claims while holding the claims file's lock and writes back what it
 * leaves; a throw writes nothing. Returns what `change` returns.
 */
export async function updateClaims<T>(file: string, change: (claims: Claims) => Promise<T> | T): Promise<T> {
  return withLock(`${file}.lock`, async () => {
    const stored = ((await readJson(file)) ?? {}) as Partial<Claims>;
    const claims: Claims = {
      networks: await live<NetworkClaim>(stored.networks),
      ports: await live<PortClaim>(stored.ports),
      ...(typeof stored.lastSubnet === "string" ? { lastSubnet: stored.lastSubnet } : {}),
    };
    const result = await change(claims);
    await writeAtomic(file, `${JSON.stringify(claims, null, 1)}\n`);
    return result;
  });
}

/** Drops every claim `owner` holds. */
export function releaseClaims(file: string, owner: string): Promise<void> {
  return updateClaims(file, (claims) => {
    claims.networks = claims.networks.filter((c) => c.owner !== owner);
    claims.ports = claims.ports.filter((c) => c.owner !== owner);
  });
}
