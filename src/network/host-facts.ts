/**
 * What the host already uses that a new network must avoid: its routes (every table), its
 * nameservers, its interface names. Parsers are pure; the readers touch the host.
 *
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { runChecked } from "./command.js";
import { type Cidr, parseCidr, parseIpv4 } from "./ipv4.js";

/** The destinations of `ip -j -4 route show table all` output, default routes left out. */
export function parseRouteBlocks(json: string): Cidr[] {
  const routes: unknown = JSON.parse(json);
  if (!Array.isArray(routes)) return [];
  const blocks: Cidr[] = [];
  for (const route of routes) {
    const dst = (route as { dst?: unknown }).dst;
    const block = typeof dst === "string" && dst !== "default" ? parseCidr(dst) : undefined;
    if (block && block.prefix > 0) blocks.push(block);
  }
  return blocks;
}

/** The `nameserver` addresses of a resolv.conf, in order. */
export function parseNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === "nameserver" && value) out.push(value);
  }
  return out;
}

/** The host's route destinations and IPv4 nameservers (as /32 blocks). */
export async function readHostBlocks(resolvConf = "/etc/resolv.conf"): Promise<Cidr[]> {
  const routes = parseRouteBlocks(await runChecked("ip", ["-j", "-4", "route", "show", "table", "all"]));
  const text = await readFile(resolvConf, "utf8").catch(() => "");
  const servers = parseNameservers(text).flatMap((s) => {
    const ip = parseIpv4(s);
    return ip === undefined ? [] : [{ base: ip, prefix: 32 }];
  });
  return [...routes, ...servers];
}

/** The names of the host's network interfaces. */
export async function readLinkNames(): Promise<Set<string>> {
  return new Set(await readdir("/sys/class/net").catch(() => []));
}
