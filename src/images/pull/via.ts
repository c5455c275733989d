import { invalid } from "../../base/validate.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ImagesContext } from "../context.js";
import { formatPlatform, hostPlatform } from "../platform.js";
import { DEFAULT_SNAPSHOTTER } from "../snapshots.js";
import { daemonMajor } from "../transfer/daemon.js";
import type { PullOptions } from "./types.js";

const VIAS = ["auto", "client", "transfer"] as const;

/** @internal Checks `via`, and what a Transfer pull cannot carry when the caller asks for one. */
export function checkVia(options: PullOptions): void {
  const { via, auth } = options;
  if (via !== undefined && !VIAS.includes(via))
    throw invalid("via", via, `must be one of ${VIAS.join(", ")}`);
  if (via === "transfer" && auth?.token !== undefined) {
    throw new InvalidArgumentError(
      'auth.token: a bearer token cannot go through Transfer (it takes a username and password); use via "client"',
      { field: "auth.token" },
    );
  }
}

/**
 * @internal Whether this pull goes through the daemon's Transfer service. `auto` takes it on a
 * daemon that prefers it (containerd 2.0+) unless the pull asks for what only the client-side
 * path does: its own `concurrency`, a bearer `token`, or an unpack the daemon's default unpack
 * configuration refuses (another snapshotter or platform: containerd unpacks only into the
 * platforms and snapshotters of its `unpack_config`).
 */
export async function pullsByTransfer(ctx: ImagesContext, options: PullOptions): Promise<boolean> {
  const { via = "auto", concurrency, auth } = options;
  if (via !== "auto") return via === "transfer";
  if (concurrency !== undefined || auth?.token !== undefined || !daemonUnpacksIt(options)) return false;
  return (await daemonMajor(ctx.services, ctx.namespace)) >= 2;
}

/**
 * @internal Whether the unpack the pull asks for (if any) is one containerd's default
 * `unpack_config` does: the host's platform into the default snapshotter. Any other it refuses
 * ("no unpack platforms defined").
 */
export function daemonUnpacksIt(options: PullOptions): boolean {
  const { unpack, snapshotter, platform } = options;
  if (unpack === false) return true;
  const foreign = platform !== undefined && formatPlatform(platform) !== formatPlatform(hostPlatform());
  return (snapshotter ?? DEFAULT_SNAPSHOTTER) === DEFAULT_SNAPSHOTTER && !foreign;
}
