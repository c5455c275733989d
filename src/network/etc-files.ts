/**
 * The container's /etc/hosts, /etc/hostname and /etc/resolv.conf: rendering (pure) and writing.
 * Files are rewritten in place, never replaced: a running container's bind mount holds the inode,
 * so a rename would leave it reading the old file.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseNameservers } from "./host-facts.js";
import type { NetworkFiles } from "./types.js";

/** A line of a hosts file: an address and the names it answers to. */
export interface HostsEntry {
  ip: string;
  names: string[];
}

const LOCALHOST = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "ff00::0\tip6-mcastprefix",
  "ff02::1\tip6-allnodes",
  "ff02::2\tip6-allrouters",
];

/** A hosts file: localhost, then the container itself, then the others on its network. */
export function renderHosts(self: HostsEntry, others: readonly HostsEntry[]): string {
  const lines = [...LOCALHOST];
  for (const entry of [self, ...others]) {
    const names = [...new Set(entry.names)];
    if (names.length > 0) lines.push(`${entry.ip}\t${names.join(" ")}`);
  }
  return `${lines.join("\n")}\n`;
}

function isLoopback(server: string): boolean {
  return server.startsWith("127.") || server === "::1" || server === "0:0:0:0:0:0:0:1";
}

/**
 * The host's resolv.conf for a container with its own network namespace: loopback nameservers
 * (a local stub resolver such as systemd-resolved's 127.0.0.53) are unreachable from there and go.
 */
export function containerResolvConf(hostText: string): string {
  const kept = hostText.split("\n").filter((line) => {
    const [server] = parseNameservers(line);
    return server === undefined || !isLoopback(server);
  });
  const text = kept.join("\n").trimEnd();
  return text ? `${text}\n` : "";
}

/** The host's resolv.conf text; systemd-resolved's upstream list when the host's names only its stub. */
export async function hostResolvConf(path = "/etc/resolv.conf"): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  const servers = parseNameservers(text);
  if (servers.length > 0 && servers.every(isLoopback)) {
    const upstream = await readFile("/run/systemd/resolve/resolv.conf", "utf8").catch(() => "");
    if (upstream) return upstream;
  }
  return text;
}

/** The three files' paths in `dir`. */
export function filesIn(dir: string): NetworkFiles {
  return { hosts: join(dir, "hosts"), hostname: join(dir, "hostname"), resolvConf: join(dir, "resolv.conf") };
}

/** Writes all three files (mode 0644: the container's users read them). */
export async function writeEtcFiles(
  files: NetworkFiles,
  content: { hosts: string; hostname: string; resolvConf: string },
): Promise<void> {
  await mkdir(join(files.hosts, ".."), { recursive: true, mode: 0o755 });
  await Promise.all([
    writeFile(files.hosts, content.hosts, { mode: 0o644 }),
    writeFile(files.hostname, `${content.hostname}\n`, { mode: 0o644 }),
    writeFile(files.resolvConf, content.resolvConf, { mode: 0o644 }),
  ]);
}
