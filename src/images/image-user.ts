import { execFile } from "node:child_process";
import { lstat, mkdtemp, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { FailedPreconditionError } from "../errors/index.js";
import { type ResolvedUser, resolveUser } from "../oci/user-lookup.js";
import type { RootfsMount } from "../runtime/rootfs-mounts.js";

const run = promisify(execFile);

/**
 * Resolves an image config's `User` by name (`"app"`, `"app:staff"`) through the image's own
 * /etc/passwd and /etc/group: read from the overlay layer that holds them when one plainly does,
 * else with the snapshot mounted read-only on a temp dir, as containerd's `WithUser` does, and
 * unmounted whatever happens.
 */
export async function resolveImageUser(snapshotMounts: RootfsMount[], user: string): Promise<ResolvedUser> {
  const layer = await userFilesLayer(snapshotMounts);
  if (layer !== undefined) return resolveUser(layer, user);
  const dir = await mkdtemp(join(tmpdir(), "containerd-sdk-user-"));
  try {
    await mountReadonly(snapshotMounts, dir);
    try {
      return await resolveUser(dir, user);
    } finally {
      await run("umount", [dir]);
    }
  } finally {
    await rmdir(dir);
  }
}

/** An overlay mount's layer directories, topmost first (the upper dir, then the lower ones). */
function overlayLayers(mount: RootfsMount): string[] {
  const options = mount.options ?? [];
  const value = (key: string) => options.find((o) => o.startsWith(`${key}=`))?.slice(key.length + 1);
  return [value("upperdir"), ...(value("lowerdir")?.split(":") ?? [])].filter((d) => d !== undefined);
}

async function isPlainFile(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * The layer of an overlay snapshot whose /etc/passwd and /etc/group are what the mounted snapshot
 * would show, so no mount is needed: the topmost layer with an `etc` entry, when that is a directory
 * holding both as plain files. Anything else (a symlink, a whiteout, a file that a lower layer may
 * hold under an opaque directory) is undefined, and left to the mount.
 */
async function userFilesLayer(mounts: RootfsMount[]): Promise<string | undefined> {
  const [mount] = mounts;
  if (mounts.length !== 1 || mount?.type !== "overlay") return undefined;
  const layers = overlayLayers(mount);
  if (!layers.every(isAbsolute)) return undefined;
  for (const layer of layers) {
    const etc = await lstat(join(layer, "etc")).catch(() => undefined);
    if (!etc) continue;
    if (!etc.isDirectory()) return undefined;
    const plain = await Promise.all(["passwd", "group"].map((f) => isPlainFile(join(layer, "etc", f))));
    return plain.every(Boolean) ? layer : undefined;
  }
  return undefined;
}

/**
 * Mounts a snapshot's mounts read-only at `target`. An active overlay snapshot's upper layer is left
 * out (it is empty for a container that has not run); a single lower layer is bind-mounted.
 */
async function mountReadonly(mounts: RootfsMount[], target: string): Promise<void> {
  const [mount] = mounts;
  if (mounts.length !== 1 || !mount) {
    throw new FailedPreconditionError(`user: cannot read users from a snapshot of ${mounts.length} mounts`);
  }
  const options = mount.options ?? [];
  if (mount.type === "overlay") {
    const lower = options.find((o) => o.startsWith("lowerdir="))?.slice("lowerdir=".length);
    const upper = options.find((o) => o.startsWith("upperdir="))?.slice("upperdir=".length);
    const layers = lower ? lower.split(":") : [];
    // Without lower layers, the upper dir is the whole filesystem (a snapshot with no parent).
    if (layers.length <= 1) {
      const only = layers[0] ?? upper;
      if (!only) throw new FailedPreconditionError("user: the snapshot's overlay mount has no layers");
      await run("mount", ["--bind", "-o", "ro", only, target]);
      return;
    }
    await run("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lower},ro`, target]);
    return;
  }
  const rest = options.filter((o) => o !== "rw" && o !== "ro");
  await run("mount", ["-t", mount.type, "-o", [...rest, "ro"].join(","), mount.source, target]);
}
