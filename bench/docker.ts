// A private dockerd (Debian's docker.io) on the bench's own containerd, for the network workload's
// comparison: its own data, exec root and socket under a temp dir, a bridge of its own on a /24 no
// route uses, its iptables rules and chains removed afterwards (only those it added), and no
// docker0, so a docker on the host and parallel benches are left alone.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);
const DOCKERD = "/usr/sbin/dockerd";
/** Debian's docker CLI (the daemon's own version), not another one earlier on PATH. */
const DOCKER = "/usr/bin/docker";

/** A running private dockerd. */
export interface PrivateDocker {
  /** Its API socket's path (`DOCKER_HOST=unix://<socket>` for a Docker client library). */
  socket: string;
  /** Runs the docker CLI against it; resolves with stdout. */
  docker(...args: string[]): Promise<string>;
  /** Stops dockerd and removes its bridge, iptables rules, chains and files. */
  stop(): Promise<void>;
}

/** Why docker cannot be benched here, or undefined when it can. */
export function dockerMissing(): string | undefined {
  if (!existsSync(DOCKERD) || !existsSync(DOCKER))
    return "dockerd is not installed (apt-get install -y docker.io)";
  return undefined;
}

/** A /24 of 10.91.0.0/16 that no route of the host touches, for docker's bridge. */
async function freeSubnet(): Promise<string> {
  const { stdout } = await run("ip", ["-4", "route"]);
  for (let i = 0; i < 256; i++) {
    const third = (process.pid + i) % 256;
    if (!stdout.includes(`10.91.${third}.`)) return `10.91.${third}`;
  }
  throw new Error("no free /24 in 10.91.0.0/16 for docker's bridge");
}

async function iptablesSave(): Promise<Map<string, string[]>> {
  const { stdout } = await run("iptables-save", []);
  const tables = new Map<string, string[]>();
  let table = "";
  for (const line of stdout.split("\n")) {
    if (line.startsWith("*")) {
      table = line.slice(1);
      tables.set(table, []);
    } else if (line.startsWith("-A ") || line.startsWith(":")) tables.get(table)?.push(line);
  }
  return tables;
}

/** Removes the rules and chains present in `after` but not in `before` that are docker's. */
async function removeAdded(before: Map<string, string[]>, mine: (line: string) => boolean): Promise<void> {
  const after = await iptablesSave();
  for (const [table, lines] of after) {
    const old = new Set(before.get(table) ?? []);
    const added = lines.filter((l) => !old.has(l));
    for (const rule of added.filter((l) => l.startsWith("-A ") && mine(l)).reverse()) {
      const args = rule.slice(3).match(/"[^"]*"|\S+/g) ?? [];
      await run("iptables", ["-t", table, "-D", ...args.map((a) => a.replace(/^"|"$/g, ""))]).catch(() => {});
    }
    for (const chain of added.filter((l) => l.startsWith(":DOCKER"))) {
      const name = chain.slice(1).split(" ")[0] as string;
      await run("iptables", ["-t", table, "-F", name]).catch(() => {});
      await run("iptables", ["-t", table, "-X", name]).catch(() => {});
    }
  }
}

/**
 * Starts dockerd on `containerdSocket` (it uses containerd namespace `moby` there) with a bridge
 * made here, userland proxy on (docker's default), and forwarding left as the host has it.
 */
export async function startDocker(containerdSocket: string): Promise<PrivateDocker> {
  const dir = await mkdtemp(join(tmpdir(), "sdk-bench-docker-"));
  const socket = join(dir, "docker.sock");
  const net = await freeSubnet();
  const bridge = `sdkbd${process.pid % 100000}`;
  const before = await iptablesSave();
  await run("ip", ["link", "add", "name", bridge, "type", "bridge"]);
  await run("ip", ["addr", "add", `${net}.1/24`, "dev", bridge]);
  await run("ip", ["link", "set", bridge, "up"]);
  await writeFile(join(dir, "daemon.json"), "{}\n");
  const child: ChildProcess = spawn(
    DOCKERD,
    [
      "--containerd",
      containerdSocket,
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "docker.pid"),
      "--config-file",
      join(dir, "daemon.json"),
      "-H",
      `unix://${socket}`,
      "--bridge",
      bridge,
      "--ip-forward=false",
      "--log-level",
      "error",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  const exited = once(child, "exit");
  const docker = async (...args: string[]) => (await run(DOCKER, ["-H", `unix://${socket}`, ...args])).stdout;
  const stop = async () => {
    if (child.exitCode === null) {
      await docker("rm", "-f", ...(await docker("ps", "-aq")).split("\n").filter(Boolean)).catch(() => "");
      child.kill("SIGTERM");
      await exited;
    }
    await run("ip", ["link", "del", bridge]).catch(() => {});
    await removeAdded(before, (l) => l.includes(bridge) || l.includes(`${net}.`) || /DOCKER/.test(l));
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 300) {
      await stop();
      throw new Error(`dockerd did not start: ${log.trim().split("\n").slice(-5).join(" | ")}`);
    }
    if (
      await docker("version", "--format", "{{.Server.Version}}").then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  return { socket, docker, stop };
}
