/**
 * Runs CNI plugins the way libcni does: each plugin an executable with the request as JSON on stdin
 * and the parameters in CNI_* variables; a conflist's ADD runs the plugins in order, each getting
 * the previous result as `prevResult`; DEL runs them in reverse with the ADD result.
 *
 * @module
 */
import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { InternalError, NotImplementedError, UnavailableError } from "../errors/index.js";
import { runCommand, TOOL_PATH } from "./command.js";
import { CNI_VERSION, type Conflist, type PluginConf } from "./conflist.js";
import { debug } from "./log.js";

/** Where one plugin run happens. */
export interface CniRuntime {
  /** CNI_CONTAINERID: unique per attachment. */
  containerId: string;
  /** CNI_NETNS: the pinned namespace, or `""` when it is gone. */
  netns: string;
  /** CNI_IFNAME; default `eth0`. */
  ifname?: string;
  /** Plugin paths by type, from {@link findPlugins}. */
  plugins: ReadonlyMap<string, string>;
  /** CNI_PATH: where plugins find the plugins they delegate to (bridge calls host-local). */
  dirs: readonly string[];
  /** Capability arguments (`portMappings`) handed to plugins that declare them. */
  runtimeConfig?: Record<string, unknown>;
  signal?: AbortSignal;
}

/** The Debian package each tool a plugin may miss comes from. */
const PACKAGES: Record<string, string> = { iptables: "iptables", ip6tables: "iptables", ip: "iproute2" };

/**
 * The path of each plugin type, found in `dirs` (first wins); NotImplementedError naming the Debian
 * package when one is missing.
 */
export async function findPlugins(
  types: readonly string[],
  dirs: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const type of new Set(types)) {
    for (const dir of dirs) {
      const path = join(dir, type);
      if (
        await access(path, constants.X_OK).then(
          () => true,
          () => false,
        )
      ) {
        found.set(type, path);
        break;
      }
    }
    if (!found.has(type)) {
      throw new NotImplementedError(
        `containerd-sdk: the CNI plugin "${type}" is not in ${dirs.join(", ")}; ` +
          "install Debian's containernetworking-plugins package (apt-get install containernetworking-plugins)",
      );
    }
  }
  return found;
}

/** The request a plugin reads: its entry, the list's version and name, and what applies to it. */
function pluginRequest(list: Conflist, plugin: PluginConf, rt: CniRuntime, prevResult: unknown): string {
  const request: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
  const caps = Object.keys(plugin.capabilities ?? {}).filter((k) => plugin.capabilities?.[k]);
  const runtimeConfig = Object.fromEntries(
    Object.entries(rt.runtimeConfig ?? {}).filter(([key]) => caps.includes(key)),
  );
  if (Object.keys(runtimeConfig).length > 0) request.runtimeConfig = runtimeConfig;
  if (prevResult !== undefined) request.prevResult = prevResult;
  return JSON.stringify(request);
}

function pluginError(type: string, command: string, stdout: string, stderr: string): Error {
  let reply: { code?: number; msg?: string; details?: string } = {};
  try {
    reply = JSON.parse(stdout);
  } catch {
    reply = { msg: (stderr || stdout).trim() };
  }
  const text = `${reply.msg ?? "failed"}${reply.details ? `: ${reply.details}` : ""}`;
  const message = `containerd-sdk: CNI plugin ${type} ${command} failed (code ${reply.code ?? "?"}): ${text}`;
  const tool = /failed to locate "?(\w+)"?|"(\w+)": executable file not found/.exec(text);
  const missing = tool?.[1] ?? tool?.[2];
  if (missing) {
    const pkg = PACKAGES[missing] ?? missing;
    return new NotImplementedError(`${message}; install Debian's ${pkg} package (apt-get install ${pkg})`);
  }
  return reply.code === 11 ? new UnavailableError(message) : new InternalError(message);
}

/** Runs one plugin; resolves with its parsed result (undefined for DEL). */
async function invoke(
  list: Conflist,
  plugin: PluginConf,
  command: "ADD" | "DEL",
  rt: CniRuntime,
  prev: unknown,
) {
  const path = rt.plugins.get(plugin.type);
  if (!path) throw new InternalError(`containerd-sdk: CNI plugin ${plugin.type} was not looked up`);
  const started = performance.now();
  const result = await runCommand(path, [], {
    input: pluginRequest(list, plugin, rt, prev),
    signal: rt.signal,
    env: {
      PATH: TOOL_PATH,
      CNI_COMMAND: command,
      CNI_CONTAINERID: rt.containerId,
      CNI_NETNS: rt.netns,
      CNI_IFNAME: rt.ifname ?? "eth0",
      CNI_PATH: rt.dirs.join(":"),
      CNI_ARGS: "IgnoreUnknown=1",
    },
  });
  debug(
    "cni %s %s %s: exit %s in %d ms",
    list.name,
    plugin.type,
    command,
    result.code,
    performance.now() - started,
  );
  if (result.code !== 0) throw pluginError(plugin.type, command, result.stdout, result.stderr);
  return command === "ADD" && result.stdout.trim() ? (JSON.parse(result.stdout) as unknown) : undefined;
}

/**
 * ADD of a whole conflist; resolves with the last plugin's result. When a plugin fails, DEL runs
 * for it and every plugin before it (in reverse, with the last result had), and the error is thrown.
 */
export async function addChain(list: Conflist, rt: CniRuntime): Promise<unknown> {
  let result: unknown;
  for (const [i, plugin] of list.plugins.entries()) {
    try {
      result = (await invoke(list, plugin, "ADD", rt, result)) ?? result;
    } catch (err) {
      // Undone even when the ADD was aborted: the caller's signal must not cut the clean-up short.
      const undo = { ...rt, signal: undefined };
      await delChain({ ...list, plugins: list.plugins.slice(0, i + 1) }, undo, result).catch((cleanup) =>
        debug("cni %s: DEL after a failed ADD failed too: %s", list.name, cleanup),
      );
      throw err;
    }
  }
  return result;
}

/** DEL of a whole conflist, last plugin first, with `prevResult` the cached ADD result. Every plugin
 * runs even when one fails; the first failure is thrown at the end. */
export async function delChain(list: Conflist, rt: CniRuntime, prevResult: unknown): Promise<void> {
  let first: unknown;
  for (const plugin of [...list.plugins].reverse()) {
    await invoke(list, plugin, "DEL", rt, prevResult).catch((err) => {
      first ??= err;
    });
  }
  if (first !== undefined) throw first;
}

/** Brings `lo` up in the namespace: runc does that only for namespaces it makes itself. */
export async function addLoopback(rt: CniRuntime): Promise<void> {
  const list: Conflist = { cniVersion: CNI_VERSION, name: "cni-loopback", plugins: [{ type: "loopback" }] };
  await invoke(list, { type: "loopback" }, "ADD", { ...rt, ifname: "lo" }, undefined);
}
