import type { RootfsMount } from "../runtime/rootfs-mounts.js";

/** @internal What a copy does to the container's filesystem. */
export type Access = "read" | "write";

/** Overlay options that only an upper layer has, dropped from a read-only view. */
const UPPER_ONLY = ["upperdir=", "workdir=", "volatile"];

/**
 * @internal The `mount(8)` arguments that mount a container's rootfs `mounts` at `target`, in
 * order. For reading, read-only, and an overlay becomes a stack of lower layers only (its upper
 * dir on top): no upper or work dir is shared with a mount that may still exist (a stopped task's),
 * which overlayfs would not allow safely. A mount that was read-only stays so for writing.
 */
export function mountCommands(mounts: RootfsMount[], access: Access, target: string): string[][] {
  return mounts.map((mount) => mountCommand(mount, access, target));
}

function mountCommand(mount: RootfsMount, access: Access, target: string): string[] {
  const given = mount.options ?? [];
  const options = given.filter((o) => o !== "ro" && o !== "rw");
  const mode = access === "read" || given.includes("ro") ? "ro" : "rw";
  if (mount.type === "overlay" && access === "read") return readOnlyOverlay(options, target);
  if (mount.type === "bind" || options.includes("bind") || options.includes("rbind")) {
    const bind = options.includes("bind") || options.includes("rbind") ? [] : ["rbind"];
    return ["-o", [...bind, ...options, mode].join(","), mount.source, target];
  }
  return ["-t", mount.type, "-o", [...options, mode].join(","), mount.source, target];
}

function readOnlyOverlay(options: string[], target: string): string[] {
  const value = (key: string) => options.find((o) => o.startsWith(key))?.slice(key.length);
  const layers = [value("upperdir="), ...(value("lowerdir=")?.split(":") ?? [])].filter(
    (layer): layer is string => Boolean(layer),
  );
  // overlayfs wants two lower layers without an upper one; a single layer is its own view.
  if (layers.length === 1) return ["-o", "rbind,ro", layers[0] as string, target];
  const rest = options.filter((o) => !o.startsWith("lowerdir=") && !UPPER_ONLY.some((u) => o.startsWith(u)));
  return [
    "-t",
    "overlay",
    "-o",
    [`lowerdir=${layers.join(":")}`, ...rest, "ro"].join(","),
    "overlay",
    target,
  ];
}
