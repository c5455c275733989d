/**
 * The iptables rules of the SDK's networks, as `iptables-restore --noflush` input. Pure.
 *
 * The SDK writes what the portmap and firewall plugins and the bridge plugin's `ipMasq` wrote,
 * but as one restore per attach and one per detach: the plugins ran about 40 iptables processes
 * per container and 30 more to remove them, seconds on a loaded host. The shapes follow portmap's:
 *
 * - nat `CSDK-HOSTPORT-DNAT` (from PREROUTING and OUTPUT, for local destinations) jumps per host
 *   port to the container's `CSDK-DN-<h>`, which marks hairpin and loopback connections and DNATs;
 * - nat `CSDK-HOSTPORT-MASQ` (from POSTROUTING) masquerades the marked ones, so a reply finds its way;
 * - nat `CSDK-POSTROUTING` (from POSTROUTING) sends the container's traffic to `CSDK-MASQ-<h>`,
 *   which masquerades what leaves its subnet (the bridge plugin's `ipMasq`);
 * - filter `CSDK-FORWARD` (first in FORWARD) isolates the SDK's networks from each other first
 *   (isolation.ts), then accepts the container's traffic and its published ports (the firewall plugin).
 *
 * Per-container chains are declared by the restore that adds them; the shared ones only by
 * {@link sharedSetup}, since declaring an existing chain in a `--noflush` restore empties it.
 *
 * @module
 */
import type { PublishedPort } from "./types.js";

export const HOSTPORT_DNAT = "CSDK-HOSTPORT-DNAT";
export const HOSTPORT_SETMARK = "CSDK-HOSTPORT-SETMARK";
export const HOSTPORT_MASQ = "CSDK-HOSTPORT-MASQ";
export const POSTROUTING = "CSDK-POSTROUTING";
export const FORWARD = "CSDK-FORWARD";
export const ISOLATION_STAGE_1 = "CSDK-ISOLATION-1";
export const ISOLATION_STAGE_2 = "CSDK-ISOLATION-2";
/** The connection mark asking for masquerade (portmap's bit). */
const MASQ_MARK = "0x2000/0x2000";

/** What one attachment's rules are made from. */
export interface RuleTarget {
  /** A short hex tag unique on the host (from the CNI container id): names the container's chains. */
  tag: string;
  ip: string;
  /** The network's subnet, e.g. `10.89.0.0/24`. */
  subnet: string;
  ports: readonly PublishedPort[];
}

/** A rule, as `iptables -S` prints it after `-A`: chain, then the rest. */
export type Rule = [table: "nat" | "filter", chain: string, spec: string];

/** The container's own chains, by table. */
export function ownChains(t: RuleTarget): [table: "nat" | "filter", chain: string][] {
  return [
    ["nat", `CSDK-DN-${t.tag}`],
    ["nat", `CSDK-MASQ-${t.tag}`],
  ];
}

/** Every rule of an attachment, in the order they are added. */
export function targetRules(t: RuleTarget): Rule[] {
  const dn = `CSDK-DN-${t.tag}`;
  const masq = `CSDK-MASQ-${t.tag}`;
  const rules: Rule[] = [];
  for (const p of t.ports) {
    const port = `-p ${p.protocol} -m ${p.protocol} --dport ${p.hostPort}`;
    const dest = p.hostIp === "0.0.0.0" ? "" : `-d ${p.hostIp}/32 `;
    rules.push(
      ["nat", dn, `-s ${t.subnet} ${port} -j ${HOSTPORT_SETMARK}`],
      ["nat", dn, `-s 127.0.0.1/32 ${port} -j ${HOSTPORT_SETMARK}`],
      ["nat", dn, `${dest}${port} -j DNAT --to-destination ${t.ip}:${p.containerPort}`],
      ["nat", HOSTPORT_DNAT, `${port} -j ${dn}`],
    );
  }
  rules.push(
    ["nat", masq, `-d ${t.subnet} -j ACCEPT`],
    ["nat", masq, `! -d 224.0.0.0/4 -j MASQUERADE`],
    ["nat", POSTROUTING, `-s ${t.ip}/32 -j ${masq}`],
    ["filter", FORWARD, `-d ${t.ip}/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`],
    ["filter", FORWARD, `-s ${t.ip}/32 -j ACCEPT`],
  );
  for (const p of t.ports) {
    const port = `-p ${p.protocol} -m ${p.protocol} --dport ${p.containerPort}`;
    rules.push(["filter", FORWARD, `-d ${t.ip}/32 ${port} -j ACCEPT`]);
  }
  return rules;
}

/** Lines of a restore by table, in the order the tables come. */
type Script = Map<"nat" | "filter", string[]>;

function newScript(): Script {
  return new Map([
    ["nat", []],
    ["filter", []],
  ]);
}

function render(lines: Script): string {
  let out = "";
  for (const [table, body] of lines) if (body.length > 0) out += `*${table}\n${body.join("\n")}\nCOMMIT\n`;
  return out;
}

/** The restore that adds an attachment's chains and rules. */
export function addScript(t: RuleTarget): string {
  const lines = newScript();
  for (const [table, chain] of ownChains(t)) lines.get(table)?.push(`:${chain} - [0:0]`);
  for (const [table, chain, spec] of targetRules(t)) lines.get(table)?.push(`-A ${chain} ${spec}`);
  return render(lines);
}

/**
 * The restore that removes an attachment's rules and chains. With `present` ({@link savedLines}),
 * only what is there: a restore is all or nothing, and a half-made attachment has only some.
 */
export function delScript(t: RuleTarget, present?: ReadonlySet<string>): string {
  const lines = newScript();
  const has = (line: string) => present === undefined || present.has(line);
  const own = new Set(ownChains(t).map(([, chain]) => chain));
  // Rules in the container's own chains go with the chains.
  for (const [table, chain, spec] of targetRules(t).reverse()) {
    if (!own.has(chain) && has(`${table} -A ${chain} ${spec}`)) lines.get(table)?.push(`-D ${chain} ${spec}`);
  }
  for (const [table, chain] of ownChains(t)) {
    if (has(`${table} :${chain}`)) lines.get(table)?.push(`-F ${chain}`, `-X ${chain}`);
  }
  return render(lines);
}

/** A rule the shared set-up makes: appended, or inserted first in its chain. */
interface SharedRule {
  rule: Rule;
  first: boolean;
}

const SHARED_CHAINS: [table: "nat" | "filter", chain: string][] = [
  ["nat", HOSTPORT_DNAT],
  ["nat", HOSTPORT_SETMARK],
  ["nat", HOSTPORT_MASQ],
  ["nat", POSTROUTING],
  ["filter", ISOLATION_STAGE_1],
  ["filter", ISOLATION_STAGE_2],
  ["filter", FORWARD],
];

const SHARED_RULES: SharedRule[] = [
  { rule: ["nat", "PREROUTING", `-m addrtype --dst-type LOCAL -j ${HOSTPORT_DNAT}`], first: false },
  { rule: ["nat", "OUTPUT", `-m addrtype --dst-type LOCAL -j ${HOSTPORT_DNAT}`], first: false },
  { rule: ["nat", HOSTPORT_SETMARK, `-j MARK --set-xmark ${MASQ_MARK}`], first: false },
  { rule: ["nat", HOSTPORT_MASQ, `-m mark --mark ${MASQ_MARK} -j MASQUERADE`], first: false },
  { rule: ["nat", "POSTROUTING", `-j ${HOSTPORT_MASQ}`], first: false },
  { rule: ["nat", "POSTROUTING", `-j ${POSTROUTING}`], first: false },
  // Isolation before any accept, and the SDK's accepts before a FORWARD policy or chain that drops.
  { rule: ["filter", FORWARD, `-j ${ISOLATION_STAGE_1}`], first: true },
  { rule: ["filter", "FORWARD", `-j ${FORWARD}`], first: true },
];

/**
 * The restore that makes whatever of the shared chains and their hooks `present`
 * ({@link savedLines}) lacks, or "" when nothing is missing. Run under the host-wide lock: a chain
 * declared here must not exist yet.
 */
export function sharedSetup(present: ReadonlySet<string>): string {
  const lines = newScript();
  for (const [table, chain] of SHARED_CHAINS) {
    if (!present.has(`${table} :${chain}`)) lines.get(table)?.push(`:${chain} - [0:0]`);
  }
  for (const { rule, first } of SHARED_RULES) {
    const [table, chain, spec] = rule;
    if (!present.has(`${table} -A ${chain} ${spec}`)) {
      lines.get(table)?.push(`${first ? `-I ${chain} 1` : `-A ${chain}`} ${spec}`);
    }
  }
  return render(lines);
}

/**
 * The lines of `iptables-save` output that {@link delScript} and {@link sharedSetup} compare with:
 * `<table> -A <chain> <spec>` for rules and `<table> :<chain>` for chains (counters dropped).
 */
export function savedLines(save: string): Set<string> {
  const out = new Set<string>();
  let table = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    else if (line.startsWith(":")) out.add(`${table} ${line.split(" ")[0]}`);
    else if (line.startsWith("-A ")) out.add(`${table} ${line.trimEnd()}`);
  }
  return out;
}
