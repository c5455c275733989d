/**
 * Host ports for published container ports. portmap only writes DNAT rules and binds nothing, so it
 * neither notices a port in use nor keeps others off it (NETWORK.md): the SDK checks each port by
 * binding it briefly and records it in the host-wide claims, under their lock, before the ADD.
 *
 * @module
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { ConflictError, InvalidArgumentError } from "../errors/index.js";
import { type Claims, type PortClaim, updateClaims } from "./claims.js";
import type { PublishedPort } from "./types.js";
import { hostIpsMeet, type PortRequest } from "./validate.js";

/** Where the SDK picks host ports by default: below Linux's ephemeral range (32768–60999), so the
 * kernel never hands one of them to another program as a port-0 bind. */
export const DEFAULT_HOST_PORT_RANGE: readonly [number, number] = [20000, 32767];

/** What binding a port said: free, taken, or an address that is not the host's. */
export type PortProbe = "free" | "in-use" | "no-such-address";

/** Binds `hostIp:port` (every address for `""`) and lets go at once. */
export function probePort(
  protocol: PortRequest["protocol"],
  hostIp: string,
  port: number,
): Promise<PortProbe> {
  const host = hostIp || "0.0.0.0";
  const verdict = (err: NodeJS.ErrnoException): PortProbe =>
    err.code === "EADDRNOTAVAIL" ? "no-such-address" : "in-use";
  return new Promise((resolve) => {
    if (protocol === "udp") {
      const socket = createSocket("udp4");
      socket.once("error", (err) => socket.close(() => resolve(verdict(err))));
      socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve("free")));
      return;
    }
    const server = createServer();
    server.once("error", (err) => resolve(verdict(err)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve("free")));
  });
}

/** The claim among `claims` that would receive the same packets as `want`, if any. */
export function conflictingClaim(
  claims: readonly PortClaim[],
  want: { protocol: string; hostIp: string; hostPort: number },
): PortClaim | undefined {
  return claims.find(
    (c) => c.protocol === want.protocol && c.hostPort === want.hostPort && hostIpsMeet(c, want),
  );
}

function portName(p: { protocol: string; hostIp: string; hostPort: number }): string {
  return `${p.hostIp || "0.0.0.0"}:${p.hostPort}/${p.protocol}`;
}

function notHostAddress(hostIp: string, field: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `containerd-sdk: ${field}.hostIp: ${hostIp} is not an address of this host`,
    {
      field: `${field}.hostIp`,
    },
  );
}

async function checkChosen(claims: Claims, want: PortRequest, field: string): Promise<void> {
  if (conflictingClaim(claims.ports, want)) {
    throw new ConflictError(`containerd-sdk: ${field}: host port ${portName(want)} is already published`);
  }
  const probe = await probePort(want.protocol, want.hostIp, want.hostPort);
  if (probe === "no-such-address") throw notHostAddress(want.hostIp, field);
  if (probe === "in-use") {
    throw new ConflictError(`containerd-sdk: ${field}: host port ${portName(want)} is in use on the host`);
  }
}

async function pickFree(
  claims: Claims,
  want: PortRequest,
  range: readonly [number, number],
  field: string,
): Promise<number> {
  const [low, high] = range;
  const span = high - low + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const hostPort = low + ((start + i) % span);
    if (conflictingClaim(claims.ports, { ...want, hostPort })) continue;
    const probe = await probePort(want.protocol, want.hostIp, hostPort);
    if (probe === "free") return hostPort;
    if (probe === "no-such-address") throw notHostAddress(want.hostIp, field);
  }
  throw new ConflictError(`containerd-sdk: no free host port left in ${low}-${high}`);
}

/**
 * Claims a host port for each request on behalf of `owner` (an attachment's cache file): a given
 * port must be free on the host and unclaimed (else ConflictError naming it); a missing one is a free
 * port from `range`. All or nothing: a failure claims none.
 */
export function reservePorts(
  claimsFile: string,
  owner: string,
  requests: readonly PortRequest[],
  range: readonly [number, number],
  field = "network.ports",
): Promise<PublishedPort[]> {
  if (requests.length === 0) return Promise.resolve([]);
  return updateClaims(claimsFile, async (claims) => {
    const published: PublishedPort[] = [];
    for (const [i, want] of requests.entries()) {
      let hostPort = want.hostPort;
      if (hostPort === 0) hostPort = await pickFree(claims, want, range, `${field}[${i}]`);
      else await checkChosen(claims, want, `${field}[${i}]`);
      claims.ports.push({ protocol: want.protocol, hostIp: want.hostIp, hostPort, owner });
      published.push({ ...want, hostPort, hostIp: want.hostIp || "0.0.0.0" });
    }
    return published;
  });
}
