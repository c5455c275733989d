/**
 * Options that shape a process: shared by the container's init process and by exec.
 *
 * @module
 */

import { checkAbsolutePath, checkBoolean, checkStringArray, invalid } from "../base/validate.js";
import { mergeEnv, normalizeEnv } from "./env.js";
import { mergeRlimits } from "./rlimits.js";
import type { POSIXRlimit, Process } from "./spec.js";
import { parseUser } from "./user.js";

/** What a caller may set on a process. Absent fields keep the base value. */
export interface ProcessOptions {
  /** argv; must not be empty when given. */
  args?: string[];
  /**
   * Variables merged into the base env: same key replaces, new key appends. The array
   * form needs `KEY=value` in every entry.
   */
  env?: string[] | Record<string, string>;
  /** Working directory; must be absolute. */
  cwd?: string;
  /**
   * A uid, `"uid"`, `"uid:gid"`, or names: `"www-data"`, `"www-data:staff"`, `"33:staff"`.
   * `containers.create` and `task.exec` resolve names, a bare uid's gid and the supplementary groups
   * in the rootfs's own /etc/passwd and /etc/group; this pure builder takes numbers only (gid 0).
   */
  user?: number | string;
  /** Allocate a pty; also adds `TERM=xterm` unless the env already sets TERM. */
  terminal?: boolean;
  /** Replace rlimits of the same type (`"nofile"` or `"RLIMIT_NOFILE"`), append the rest. */
  rlimits?: POSIXRlimit[];
  /** Default `true`; `false` lets setuid binaries raise privileges. */
  noNewPrivileges?: boolean;
}

/** The option names `applyProcessOptions` reads. */
export const PROCESS_OPTION_KEYS = [
  "args",
  "env",
  "cwd",
  "user",
  "terminal",
  "rlimits",
  "noNewPrivileges",
] as const satisfies readonly (keyof ProcessOptions)[];

/**
 * A copy of `base` with `opts` applied, in this order: args, terminal (TERM), env, cwd,
 * user, rlimits, noNewPrivileges. Terminal runs before env so an explicit `TERM` in
 * `env` wins over the `xterm` default. Invalid input throws InvalidArgumentError
 * naming the field. For exec, pass the container's `spec.process` as `base`.
 */
export function applyProcessOptions(base: Process, opts: ProcessOptions): Process {
  return applyProcessOptionsTo(structuredClone(base), opts);
}

/**
 * @internal {@link applyProcessOptions} on `process` itself, for a caller that owns it (a spec it
 * has just built, or a shallow copy): no deep copy. Only top-level fields are assigned, each a new
 * value, so a nested value `process` shares with another spec is never changed. On a throw,
 * `process` may be half-changed.
 */
export function applyProcessOptionsTo(process: Process, opts: ProcessOptions): Process {
  if (opts.args !== undefined) {
    const args = checkStringArray("args", opts.args);
    if (args.length === 0) throw invalid("args", opts.args, "must not be empty");
    process.args = args;
  }
  if (opts.terminal !== undefined) {
    if (checkBoolean("terminal", opts.terminal)) {
      process.terminal = true;
      const env = process.env ?? [];
      if (!env.some((e) => e.startsWith("TERM="))) process.env = [...env, "TERM=xterm"];
    } else {
      delete process.terminal;
    }
  }
  if (opts.env !== undefined) {
    process.env = mergeEnv(process.env ?? [], normalizeEnv(opts.env, "env"));
  }
  if (opts.cwd !== undefined) process.cwd = checkAbsolutePath("cwd", opts.cwd);
  if (opts.user !== undefined) {
    const { uid, gid } = parseUser(opts.user, "user");
    // additionalGids belonged to the previous user; keeping them would leak its groups.
    process.user = { ...process.user, uid, gid };
    delete process.user.additionalGids;
  }
  if (opts.rlimits !== undefined)
    process.rlimits = mergeRlimits(process.rlimits ?? [], opts.rlimits, "rlimits");
  if (opts.noNewPrivileges !== undefined) {
    if (checkBoolean("noNewPrivileges", opts.noNewPrivileges)) process.noNewPrivileges = true;
    else delete process.noNewPrivileges;
  }
  return process;
}
