// Docker's side of bench/logs.ts: the span of a json-file log and the memory json-file adds.

import { open } from "node:fs/promises";
import { get } from "node:http";
import { emit, median, round } from "./common.js";
import type { Docker } from "./docker-logs.js";
import { pss, rss, shimPid } from "./procfs.js";

const KiB = 1024;

/** Seconds between the first and last record of container `id`'s json-file log. */
export async function dockerJsonSpan(docker: Docker, id: string): Promise<number> {
  const file = await open(await docker.run("inspect", "--format", "{{.LogPath}}", id), "r");
  try {
    const size = (await file.stat()).size;
    const block = Buffer.alloc(Math.min(size, 256 * KiB));
    await file.read(block, 0, block.length, 0);
    const head = block.toString("utf8");
    const first = JSON.parse(head.slice(0, head.indexOf("\n"))) as { time: string };
    await file.read(block, 0, block.length, size - block.length);
    const lines = block.toString("utf8").trimEnd().split("\n");
    const last = JSON.parse(lines.at(-1) ?? "") as { time: string };
    return (new Date(last.time).getTime() - new Date(first.time).getTime()) / 1000;
  } finally {
    await file.close();
  }
}

/** dockerd's Go heap in use plus goroutine stacks, after a forced GC (pprof's MemStats footer). */
function goMemory(docker: Docker): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ socketPath: docker.socket, path: "/debug/pprof/heap?debug=1&gc=1" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (s: string) => {
        body += s;
      });
      res.on("end", () => {
        const field = (name: string) => Number(body.match(new RegExp(`^# ${name} = (\\d+)`, "m"))?.[1]);
        // "# Stack = <in use> / <from the OS>"
        const total = field("HeapInuse") + field("Stack");
        if (Number.isFinite(total)) resolve(total);
        else reject(new Error(`dockerd pprof: no MemStats in ${body.slice(-500)}`));
      });
    }).on("error", reject);
  });
}

/** `n` idle containers with `driver`; dockerd's figures with them running, then removed. */
async function withIdle(
  docker: Docker,
  n: number,
  driver: string,
): Promise<{ go: number; rss: number; shim: number }> {
  const ids: string[] = [];
  try {
    for (let i = 0; i < n; i++) {
      ids.push(
        await docker.run(
          "run",
          "-d",
          "--network",
          "none",
          "--log-driver",
          driver,
          "busybox:latest",
          "sleep",
          "3600",
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const go: number[] = [];
    for (let i = 0; i < 3; i++) go.push(await goMemory(docker));
    return { go: median(go), rss: rss(docker.pid), shim: median(ids.map((id) => pss(shimPid(id) ?? 0))) };
  } finally {
    if (ids.length > 0) await docker.run("rm", "-f", ...ids);
  }
}

/** What json-file adds per container over `--log-driver none`, in dockerd. */
export async function dockerMemory(docker: Docker, n: number): Promise<void> {
  const none = await withIdle(docker, n, "none");
  const json = await withIdle(docker, n, "json-file");
  emit({
    workload: "logs-memory",
    impl: "docker",
    containers: n,
    dockerd_go_heap_stacks_kib_per_container: round((json.go - none.go) / n / KiB),
    dockerd_rss_kib_per_container: round((json.rss - none.rss) / n / KiB),
    dockerd_rss_mib: round(json.rss / KiB / KiB),
    shim_pss_kib: round(json.shim / KiB),
    shim_pss_none_kib: round(none.shim / KiB),
    per_container_kib: round(((json.go - none.go) / n + (json.shim - none.shim)) / KiB),
  });
}
