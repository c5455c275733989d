// Lifecycle and exec against each containerd version: RPCs per operation and times, one JSON line
// per (version, workload) plus a table on stderr. The Go comparator runs on 1.6 only (it is built
// from Debian 12's containerd 1.6 client), when $GOCMP names it.
//   npm run bench:versions                       (BENCH_VERSIONS=1.6,1.7,2.x; BENCH_ROUNDS=3)
// Versions are resolved as scripts/test resolves them: 1.6 is the system's, others are fetched.
import { execFileSync, spawn } from "node:child_process";
import { dirname } from "node:path";
import { createInterface } from "node:readline";

const versions = (process.env.BENCH_VERSIONS ?? "1.6,1.7,2.x").split(",").filter(Boolean);
const SUITES: Record<string, string> = { "1.7": "trixie", "2.x": "sid", "2": "sid" };

function binariesFor(version: string): string {
  if (version === "1.6")
    return dirname(execFileSync("sh", ["-c", "command -v containerd"], { encoding: "utf8" }).trim());
  const suite = SUITES[version] ?? version;
  return execFileSync("bash", ["scripts/fetch-containerd", suite], { encoding: "utf8" }).trim();
}

interface Line {
  workload?: string;
  impl?: string;
  ms_per_op?: number;
  rpcs_per_op?: number;
  cpu_ms_per_op?: number;
  ratio?: number;
  containerd?: string;
}

/** Runs bench/main.ts for lifecycle and exec against one version; returns its JSON lines. */
async function benchOne(version: string): Promise<Line[]> {
  const binaries = binariesFor(version);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? "3",
    CONTAINERD_SDK_TEST_BINARIES: binaries,
    PATH: `${binaries}:${process.env.PATH}`,
  };
  if (version !== "1.6") delete env.GOCMP;
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--conditions=source", "--import", "tsx", "bench/main.ts", "lifecycle", "exec"],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines: Line[] = [];
  for await (const text of createInterface({ input: child.stdout })) {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    process.stdout.write(`${JSON.stringify({ version, ...line })}\n`);
  }
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`bench against containerd ${version} exited with ${code}`);
  return lines;
}

const rows: string[] = ["version  containerd        workload       impl  ms/op   RPCs/op  CPU ms/op"];
for (const version of versions) {
  const lines = await benchOne(version);
  const daemon = lines.find((l) => l.containerd)?.containerd ?? "?";
  for (const l of lines) {
    if (!l.impl || l.workload?.startsWith("lifecycle-c")) continue;
    rows.push(
      [
        version.padEnd(8),
        daemon.padEnd(17),
        (l.workload ?? "").padEnd(14),
        l.impl.padEnd(5),
        String(l.ms_per_op).padEnd(7),
        String(l.rpcs_per_op).padEnd(8),
        String(l.cpu_ms_per_op),
      ].join(" "),
    );
  }
}
process.stderr.write(`${rows.join("\n")}\n`);
