import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

/** Where the runc shim keeps runc's state unless the task's runtime options say otherwise. */
const DEFAULT_RUNC_ROOT = "/run/containerd/runc";

/** @internal What stop() needs to know about one task bundle the daemon left in its state dir. */
export interface Bundle {
  namespace: string;
  id: string;
  path: string;
  /** runc's `--root` for this container. */
  runcRoot: string;
  /** `linux.cgroupsPath` from config.json when it is a plain absolute path (not systemd's `slice:prefix:name`). */
  cgroupsPath?: string;
  /** The shim's own socket, outside our directory (containerd 1.6 puts it in /run/containerd/s). */
  shimSocket?: string;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function readBundle(namespace: string, id: string, path: string): Promise<Bundle> {
  const [config, options, address] = await Promise.all([
    readJson(join(path, "config.json")),
    readJson(join(path, "options.json")),
    readFile(join(path, "address"), "utf8").catch(() => ""),
  ]);
  const linux = config?.linux as { cgroupsPath?: unknown } | undefined;
  const cgroupsPath = typeof linux?.cgroupsPath === "string" ? linux.cgroupsPath : undefined;
  // runc's Options as JSON: the field is `root` (proto name) or `Root` (Go name) depending on the writer.
  const root = options?.root ?? options?.Root;
  const shimSocket = address.trim().replace(/^unix:\/\//, "");
  return {
    namespace,
    id,
    path,
    runcRoot: join(typeof root === "string" && root ? root : DEFAULT_RUNC_ROOT, namespace),
    cgroupsPath:
      cgroupsPath && isAbsolute(cgroupsPath) && !cgroupsPath.includes(":") ? cgroupsPath : undefined,
    shimSocket: isAbsolute(shimSocket) ? shimSocket : undefined,
  };
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** @internal Every task bundle under `<state>/io.containerd.runtime.v2.task/<namespace>/<id>`. */
export async function readBundles(state: string): Promise<Bundle[]> {
  const base = join(state, "io.containerd.runtime.v2.task");
  const bundles: Promise<Bundle>[] = [];
  for (const namespace of await list(base)) {
    for (const id of await list(join(base, namespace))) {
      bundles.push(readBundle(namespace, id, join(base, namespace, id)));
    }
  }
  return Promise.all(bundles);
}
