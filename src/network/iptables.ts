/**
 * Running the rules of rules.ts: one `iptables-restore --noflush` to add an attachment's rules and
 * one to remove them; the shared chains made on first need (or after someone flushed them), under
 * the host-wide lock.
 *
 * @module
 */
import { writeFile } from "node:fs/promises";
import { InternalError, NotImplementedError } from "../errors/index.js";
import { type CommandResult, runCommand } from "./command.js";
import { debug } from "./log.js";
import { addScript, delScript, type RuleTarget, savedLines, sharedSetup } from "./rules.js";

const MISSING =
  "containerd-sdk: iptables is not installed; install Debian's iptables package (apt-get install iptables)";

async function run(file: string, args: string[], input?: string): Promise<CommandResult> {
  try {
    return await runCommand(file, args, input === undefined ? {} : { input });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new NotImplementedError(MISSING, { cause: err });
    throw err;
  }
}

/** Runs a restore without flushing; resolves with how it went. */
export function restore(script: string): Promise<CommandResult> {
  return run("iptables-restore", ["--wait", "--noflush"], script);
}

/** Runs a restore that must succeed. */
export async function restoreChecked(script: string, what: string): Promise<void> {
  const result = await restore(script);
  if (result.code !== 0) {
    throw new InternalError(`containerd-sdk: iptables-restore (${what}) failed: ${result.stderr.trim()}`);
  }
}

/** The host's rules and chains now, as {@link savedLines} gives them. */
export async function savedRules(): Promise<Set<string>> {
  const result = await run("iptables-save", []);
  if (result.code !== 0)
    throw new InternalError(`containerd-sdk: iptables-save failed: ${result.stderr.trim()}`);
  return savedLines(result.stdout);
}

/** Makes the shared chains and hooks that are missing. The caller holds the host-wide claims lock. */
export async function ensureShared(): Promise<void> {
  const setup = sharedSetup(await savedRules());
  if (setup) await restoreChecked(setup, "shared chains");
}

/**
 * Adds an attachment's rules in one restore. When it fails (the shared chains are missing: first
 * use on this host, or someone flushed them), `withLock` makes them and the restore runs again.
 */
export async function addRules(
  target: RuleTarget,
  withLock: (fn: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const script = addScript(target);
  const first = await restore(script);
  if (first.code === 0) return;
  debug("rules of %s: %s; making the shared chains", target.ip, first.stderr.trim());
  await withLock(ensureShared);
  await restoreChecked(script, `rules of ${target.ip}`);
}

/** Removes an attachment's rules: in one restore, or, when some are gone already, those still there. */
export async function delRules(target: RuleTarget): Promise<void> {
  if ((await restore(delScript(target))).code === 0) return;
  const rest = delScript(target, await savedRules());
  if (rest) await restoreChecked(rest, `removing the rules of ${target.ip}`);
}

/**
 * Lets the kernel route packets from 127.0.0.1 out of `bridge` once they are DNAT'd to a container
 * (a published port reached on loopback), as portmap does; they are masqueraded on the way.
 */
export async function allowLocalnet(bridge: string): Promise<void> {
  await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, "1");
}
