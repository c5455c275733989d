import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";

const INSTALL_HINT = "install it with `apt-get install -y containerd runc` (or run `bash scripts/bootstrap`)";

/** @internal Fails early: without root, runc cannot create namespaces and mounts, and errors come late and vague. */
export function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "containerd-sdk/testing: startContainerd needs root (runc creates namespaces and mounts)",
    );
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @internal The first executable `name` on `$PATH`, or undefined. */
export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

/**
 * @internal Resolves the containerd binary and checks that runc and the runc shim are reachable the
 * way containerd looks for them (PATH, or next to containerd for the shim), so a missing package
 * is named before the daemon starts instead of surfacing as a failed task much later.
 */
export async function resolveContainerd(binary = "containerd"): Promise<string> {
  const isPath = binary.includes("/");
  const containerd = isPath ? binary : await findOnPath(binary);
  if (!containerd || !(await isExecutable(containerd))) {
    const where = isPath ? "is not executable" : "not found on PATH";
    throw new Error(`containerd-sdk/testing: ${binary} ${where}; ${INSTALL_HINT}`);
  }
  if (!(await findOnPath("runc"))) {
    throw new Error(`containerd-sdk/testing: runc not found on PATH; ${INSTALL_HINT}`);
  }
  const shim = "containerd-shim-runc-v2";
  if (!(await findOnPath(shim)) && !(await isExecutable(join(dirname(containerd), shim)))) {
    throw new Error(`containerd-sdk/testing: ${shim} not found on PATH; ${INSTALL_HINT}`);
  }
  return containerd;
}
