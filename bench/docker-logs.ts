// A private dockerd on the bench's private containerd for the logs workload (bench/docker.ts is the
// network workload's, with a bridge of its own): no networking, json-file logs, --debug for pprof.
import { execFile, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildBusyboxImage } from "containerd-sdk/testing";
import type { Bench } from "./common.js";

export interface Docker {
  /** dockerd's pid. */
  pid: number;
  /** dockerd's API socket. */
  socket: string;
  /** Runs the docker CLI against this dockerd; resolves with its stdout, trimmed. */
  run(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Starts dockerd with `--containerd` pointing at the bench's daemon and loads a busybox image. */
export async function startDocker(bench: Bench): Promise<Docker> {
  const dir = await mkdtemp(join(tmpdir(), "bench-docker-"));
  const socket = join(dir, "docker.sock");
  const log = openSync(join(dir, "dockerd.log"), "a");
  const daemon = spawn(
    "dockerd",
    [
      ...[
        "--containerd",
        bench.ctr.address,
        "--data-root",
        join(dir, "data"),
        "--exec-root",
        join(dir, "exec"),
      ],
      ...["--pidfile", join(dir, "dockerd.pid"), "-H", `unix://${socket}`, "--log-driver", "json-file"],
      // --debug serves /debug/pprof on the socket: the Go heap after a forced GC (bench/logs-docker.ts).
      ...["--bridge=none", "--iptables=false", "--ip-masq=false", "--debug"],
    ],
    { stdio: ["ignore", log, log] },
  );
  const exited = new Promise((resolve) => daemon.once("exit", resolve));
  const run = async (...args: string[]) =>
    (
      await promisify(execFile)("docker", ["-H", `unix://${socket}`, ...args], { maxBuffer: 64 << 20 })
    ).stdout.trim();
  const stop = async () => {
    daemon.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (
        await run("version").then(
          () => true,
          () => false,
        )
      )
        break;
      if (i > 240)
        throw new Error(
          `dockerd did not start: ${readFileSync(join(dir, "dockerd.log"), "utf8").slice(-2000)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await using image = await buildBusyboxImage();
    await image.writeDockerArchive(join(dir, "busybox.tar"), "busybox:latest");
    await run("load", "-i", join(dir, "busybox.tar"));
    return { pid: daemon.pid as number, socket, run, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
