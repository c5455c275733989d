import { constants } from "node:os";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import {
  checkAbsolutePath,
  checkInteger,
  checkString,
  checkStringArray,
  checkStringRecord,
  invalid,
} from "../base/validate.js";
import { checkHealthcheck, type HealthcheckOptions } from "./healthcheck-options.js";

/** How `buildDebianImage` builds the image. Everything but `packages` is optional. */
export interface DebianImageOptions {
  /** Debian packages installed (with their dependencies) on the `essential` set. */
  packages: string[];
  /** Shell commands run in the image's root (chrooted) after the packages install, as a Dockerfile RUN. */
  customize?: string[];
  /** Config `Cmd`. */
  cmd?: string[];
  /** Config `Entrypoint`. */
  entrypoint?: string[];
  /** Config `Env`; a standard `PATH` comes first unless one is given. */
  env?: string[];
  /** Config `User` (a name from the image's /etc/passwd, or `uid[:gid]`). Default root. */
  user?: string;
  /** Config `WorkingDir`. Default `/`. */
  workingDir?: string;
  /** Config `ExposedPorts` (TCP). */
  exposedPorts?: number[];
  /** Config `StopSignal` (`SIGINT` …). Default none (SIGTERM). */
  stopSignal?: string;
  /** Config `Healthcheck`. */
  healthcheck?: HealthcheckOptions;
  /** Files added as a layer on top, absolute path → content; executable when it starts with `#!`. */
  files?: Record<string, string>;
  /** Tag inside the OCI layout. Default `latest`. */
  tag?: string;
  /** Debian suite. Default this machine's (`VERSION_CODENAME` in /etc/os-release). */
  suite?: string;
  /** Debian archive URL. Default this machine's apt source for the suite. */
  mirror?: string;
  /** Where root filesystems are cached. Default `$CONTAINERD_SDK_DEBIAN_IMAGES` or `/var/cache/containerd-sdk/debian-images`. */
  cacheDir?: string;
  /** Parent directory of the image's temp dir. Default the OS temp dir. */
  parentDir?: string;
  /** Aborting stops mmdebstrap and rejects with an AbortError; the cache keeps nothing of it. */
  signal?: AbortSignal;
}

const KEYS = optionKeys<DebianImageOptions>()([
  "packages",
  "customize",
  "cmd",
  "entrypoint",
  "env",
  "user",
  "workingDir",
  "exposedPorts",
  "stopSignal",
  "healthcheck",
  "files",
  "tag",
  "suite",
  "mirror",
  "cacheDir",
  "parentDir",
  "signal",
]);

/** Debian policy 5.6.1: lowercase letters, digits, `+ - .`, two characters or more. */
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
const SUITE = /^[a-z0-9][a-z0-9.-]*$/;
/** An OCI layout ref name, as umoci and skopeo accept it. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * @internal Checks every option (InvalidArgumentError naming the field) and returns a copy with
 * `packages` sorted and unique.
 */
export function checkDebianImageOptions(value: DebianImageOptions): DebianImageOptions {
  const options = optionsObject(value);
  checkOptionKeys(options, KEYS);
  const o = { ...options } as DebianImageOptions;
  if (o.packages === undefined) throw invalid("packages", undefined, "is required (Debian package names)");
  const packages = checkStringArray("packages", o.packages);
  if (packages.length === 0) throw invalid("packages", packages, "must name at least one package");
  for (const [i, p] of packages.entries()) {
    if (!PACKAGE.test(p)) throw invalid(`packages[${i}]`, p, "is not a Debian package name");
  }
  o.packages = [...new Set(packages)].sort();
  for (const key of ["customize", "cmd", "entrypoint", "env"] as const) {
    if (o[key] !== undefined) o[key] = checkStringArray(key, o[key]);
  }
  if (o.user !== undefined && checkString("user", o.user) === "") throw invalid("user", o.user, "is empty");
  if (o.workingDir !== undefined) checkAbsolutePath("workingDir", o.workingDir);
  if (o.exposedPorts !== undefined) {
    if (!Array.isArray(o.exposedPorts)) throw invalid("exposedPorts", o.exposedPorts, "must be an array");
    for (const [i, p] of o.exposedPorts.entries()) checkInteger(`exposedPorts[${i}]`, p, 1, 65535);
  }
  if (
    o.stopSignal !== undefined &&
    !Object.hasOwn(constants.signals, checkString("stopSignal", o.stopSignal))
  ) {
    throw invalid("stopSignal", o.stopSignal, "must be a signal name (SIGINT …)");
  }
  if (o.healthcheck !== undefined) o.healthcheck = checkHealthcheck(o.healthcheck);
  if (o.files !== undefined) {
    o.files = checkStringRecord("files", o.files);
    for (const path of Object.keys(o.files)) checkAbsolutePath(`files[${JSON.stringify(path)}]`, path);
  }
  checkMatch("tag", o.tag, TAG, "is not a valid tag");
  checkMatch("suite", o.suite, SUITE, "is not a Debian suite name");
  if (o.mirror !== undefined && !/^(https?|file):\/\/[^\s]+$/.test(checkString("mirror", o.mirror))) {
    throw invalid("mirror", o.mirror, "must be an http(s):// or file:// URL");
  }
  if (o.cacheDir !== undefined) checkAbsolutePath("cacheDir", o.cacheDir);
  if (o.parentDir !== undefined) checkString("parentDir", o.parentDir);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalid("signal", o.signal, "must be an AbortSignal");
  }
  return o;
}

function checkMatch(field: string, value: unknown, pattern: RegExp, problem: string): void {
  if (value !== undefined && !pattern.test(checkString(field, value))) throw invalid(field, value, problem);
}
