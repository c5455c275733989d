import { NotFoundError } from "../errors/index.js";
import { ToolError, tool } from "./built-image.js";
import { debug } from "./log.js";

/** What decides a root filesystem's content: the cache key is a hash of it. */
export interface RootfsSpec {
  /** Sorted, unique. */
  packages: string[];
  suite: string;
  mirror: string;
  customize: string[];
}

/** Documentation, manuals and translations nobody reads in a test image (copyrights stay). */
const DPKG_OPTIONS = [
  // The image is a tar made at the end: no fsync per file while dpkg unpacks.
  "force-unsafe-io",
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/locale/*",
  "path-exclude=/usr/share/lintian/*",
];

/**
 * @internal mmdebstrap's arguments for `spec` written as a tar to `out`: the `essential` set (no
 * apt in the image: mmdebstrap installs the packages with the host's apt), no device nodes (the
 * runtime mounts /dev), apt's lists and caches cleaned (mmdebstrap's default).
 */
export function mmdebstrapArgs(spec: RootfsSpec, out: string): string[] {
  return [
    "--variant=essential",
    "--mode=root",
    "--format=tar",
    `--include=${spec.packages.join(",")}`,
    "--skip=output/dev",
    "--skip=output/mknod",
    ...DPKG_OPTIONS.map((o) => `--dpkgopt=${o}`),
    '--aptopt=Acquire::Languages "none"',
    ...spec.customize.map((c) => `--customize-hook=chroot "$1" sh -ec ${shellQuote(c)}`),
    '--customize-hook=rm -rf "$1"/var/log/apt "$1"/var/log/dpkg.log "$1"/var/cache/debconf/*-old',
    spec.suite,
    out,
    spec.mirror,
  ];
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * @internal Runs mmdebstrap for `spec` into `out`. A package or suite the archive lacks is a
 * NotFoundError naming it; any other failure keeps mmdebstrap's last words.
 */
export async function runMmdebstrap(spec: RootfsSpec, out: string, signal?: AbortSignal): Promise<void> {
  const started = Date.now();
  try {
    await tool("mmdebstrap", mmdebstrapArgs(spec, out), "apt-get install -y mmdebstrap", signal);
  } catch (err) {
    throw err instanceof ToolError ? (notFound(err.stderr, spec) ?? shorten(err)) : err;
  }
  debug("mmdebstrap %s (%s) in %d ms", spec.packages.join(","), spec.suite, Date.now() - started);
}

/** @internal The NotFoundError for mmdebstrap's `stderr` when it says a package or the suite is missing. */
export function notFound(stderr: string, spec: RootfsSpec): NotFoundError | undefined {
  const where = `Debian ${spec.suite} at ${spec.mirror}`;
  const pkg =
    /Unable to locate package (\S+)/.exec(stderr)?.[1] ??
    /Package '([^']+)' has no installation candidate/.exec(stderr)?.[1];
  if (pkg !== undefined) return new NotFoundError(`packages: "${pkg}" is not a package of ${where}`);
  if (/does not have a Release file|404\s+Not Found/.test(stderr)) {
    return new NotFoundError(`suite: "${spec.suite}" is not a suite at ${spec.mirror}`);
  }
  return undefined;
}

/** mmdebstrap says a line per package: keep the error to its last lines. */
function shorten(err: ToolError): Error {
  const tail = err.stderr.split("\n").slice(-8).join("\n");
  return new Error(`containerd-sdk/testing: mmdebstrap failed:\n${tail}`, { cause: err });
}
