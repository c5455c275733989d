// Stand-ins for containers in the network tests: a pinned namespace with busybox httpd serving a
// marker, and busybox nc as the HTTP client (on the host or inside a namespace). Traffic only ever
// goes to this machine's addresses and to the tests' own namespaces.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCommand } from "../src/network/command.js";
import { Networks, type NetworksOptions } from "../src/network/index.js";

/**
 * A Networks with a private state directory (the host-wide claims file stays shared, so parallel
 * files never pick one subnet or port), emptied and removed after the file's tests: every
 * attachment undone, every network deleted.
 */
export function useNetworks(options: Omit<NetworksOptions, "stateDir"> = {}): {
  networks: Networks;
  stateDir: string;
} {
  const state = {} as { networks: Networks; stateDir: string };
  before(async () => {
    state.stateDir = await mkdtemp(join(tmpdir(), "sdk-net-"));
    state.networks = new Networks({ ...options, stateDir: state.stateDir });
  });
  after(async () => {
    if (!state.networks) return;
    await disposeAll(state.networks);
    await rm(state.stateDir, { recursive: true, force: true });
  });
  return state;
}

/** Undoes every attachment of `networks`' state directory and deletes every network. */
export async function disposeAll(networks: Networks): Promise<void> {
  await networks.sweep(() => false, { minAge: 0 });
  for (const network of await networks.list()) await networks.delete(network.name);
}

/** A busybox httpd in a namespace answering `marker` on `port`. */
export interface Server {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const servers = new Set<Server>();
after(async () => {
  for (const server of servers) await server.stop();
});

/** Starts `busybox httpd` in the namespace at `netnsPath` and waits until it answers there. */
export async function serveHttp(netnsPath: string, port: number, marker: string): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), "sdk-net-www-"));
  await writeFile(join(dir, "index.html"), `${marker}\n`);
  const child = spawn(
    "nsenter",
    [`--net=${netnsPath}`, "busybox", "httpd", "-f", "-p", String(port), "-h", dir],
    {
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const server: Server = {
    child,
    async stop() {
      servers.delete(server);
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
  servers.add(server);
  for (let i = 0; i < 100; i++) {
    if ((await httpGet("127.0.0.1", port, { netns: netnsPath })) === marker) return server;
    await sleep(50);
  }
  await server.stop();
  throw new Error(`httpd in ${netnsPath} did not answer on ${port}`);
}

/**
 * The body `GET /` returns from `host:port`, or undefined when nothing answers within `timeout`
 * seconds. With `netns`, the request is made from inside that namespace.
 */
export async function httpGet(
  host: string,
  port: number,
  options: { netns?: string; timeout?: number } = {},
): Promise<string | undefined> {
  const nc = ["busybox", "nc", "-w", String(options.timeout ?? 2), host, String(port)];
  const [file, ...args] = options.netns ? ["nsenter", `--net=${options.netns}`, ...nc] : nc;
  const result = await runCommand(file as string, args, { input: "GET / HTTP/1.0\r\n\r\n" });
  if (result.code !== 0 || !result.stdout.startsWith("HTTP/")) return undefined;
  return result.stdout.trimEnd().split("\n").at(-1)?.trim();
}

/** The host's first global IPv4 address (its own, not loopback). */
export async function hostAddress(): Promise<string> {
  const { stdout } = await runCommand("ip", ["-j", "-4", "addr", "show", "scope", "global"]);
  const links = JSON.parse(stdout) as { addr_info: { local: string }[] }[];
  const address = links.flatMap((l) => l.addr_info)[0]?.local;
  if (!address) throw new Error("the host has no global IPv4 address");
  return address;
}

/** The lines of `iptables-save` (filter and nat) that mention `ip` as a whole address. */
export async function iptablesMentions(ip: string): Promise<string[]> {
  const { stdout } = await runCommand("iptables-save", []);
  const pattern = new RegExp(`(^|[^0-9.])${ip.replaceAll(".", "\\.")}([^0-9]|$)`);
  return stdout.split("\n").filter((line) => pattern.test(line));
}

/** The names under a directory, or [] when it is missing. */
export function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
