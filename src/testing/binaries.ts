import { execFile } from "node:child_process";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { debug } from "./log.js";

const run = promisify(execFile);

/**
 * Names a directory of containerd binaries (`containerd`, `ctr`, `containerd-shim-runc-v2`) for a
 * whole test run, e.g. the one `scripts/fetch-containerd trixie` prints. `startContainerd` uses it
 * when no `binaries` or `binary` option is given.
 */
export const BINARIES_ENV = "CONTAINERD_SDK_TEST_BINARIES";

/** @internal A containerd release, as its `--version` prints it. */
export interface ContainerdRelease {
  /** `"1.7.24"`, `"2.1.9"`: the version without Debian's or a build's suffix. */
  version: string;
  major: number;
  minor: number;
}

/** @internal Parses `containerd --version` ("containerd github.com/containerd/containerd/v2 2.1.9+unknown"). */
export function parseRelease(output: string): ContainerdRelease {
  const match = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(output.replace(/github\.com\/\S+/g, ""));
  if (!match) throw new Error(`containerd-sdk/testing: cannot read a version from ${JSON.stringify(output)}`);
  const [, major, minor, patch] = match;
  return { version: `${major}.${minor}.${patch}`, major: Number(major), minor: Number(minor) };
}

/** @internal What a binary that cannot tell its version is taken for: every release reads config version 2. */
export const UNKNOWN_RELEASE: ContainerdRelease = { version: "unknown", major: 1, minor: 0 };

/**
 * @internal Asks the binary itself, so a config it understands can be written before it starts. A
 * binary that cannot answer gets {@link UNKNOWN_RELEASE}: the start that follows reports what is
 * wrong with it, with its log.
 */
export async function readRelease(binary: string): Promise<ContainerdRelease> {
  try {
    const { stdout } = await run(binary, ["--version"], { timeout: 2000 });
    return parseRelease(stdout);
  } catch (err) {
    debug("%s --version: %s", binary, (err as Error).message.trim());
    return UNKNOWN_RELEASE;
  }
}

/**
 * @internal The daemon's environment: `dir` first on PATH, so containerd starts the shim that came
 * with it (containerd looks the shim up on PATH) and `ctr` in tests matches it.
 */
export function envWithBinaries(dir: string | undefined): NodeJS.ProcessEnv {
  if (!dir) return process.env;
  return { ...process.env, PATH: [dir, process.env.PATH].filter(Boolean).join(delimiter) };
}

/** @internal `options.binary`, else `<binaries>/containerd`, else plain `containerd` from PATH. */
export function containerdBinary(binary: string | undefined, binaries: string | undefined): string {
  if (binary) return binary;
  return binaries ? join(binaries, "containerd") : "containerd";
}
