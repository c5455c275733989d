// Cold start: whole processes, as a script runs them. Alternating each round: bare `node -e 0`,
// `node` importing containerd-sdk (the built dist, as users get it), a bare nice-grpc script making
// one Version call (the floor under any client on nice-grpc and grpc-js), a `node` script that
// imports the SDK, connects, runs one container (/bin/true, null IO) to its exit and closes, and `ctr run --rm
// --null-io --rootfs` of the same rootfs on the same daemon. Wall ms from spawn to exit, plus the
// child's CPU (its rusage, 10 ms ticks); the ratio line is script / ctr. Needs `npm run build`.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Bench, emit, median, note, round } from "./common.js";

const root = dirname(import.meta.dirname);
const NAMESPACE = "bench-cold";

// Resolved as a user's script would: `containerd-sdk` from the package root without the "source"
// condition is dist/index.js.
const IMPORT_ONLY = 'await import("containerd-sdk");';
const RUN_SCRIPT = `
const [address, namespace, fifoDir, rootfs, id] = process.argv.slice(1);
const { Client } = await import("containerd-sdk");
const client = await Client.connect({ address, namespace, fifoDir });
const container = await client.containers.create(id, { rootfs, args: ["/bin/true"] });
const task = await container.newTask({ stdio: "ignore" });
await task.start();
const { exitCode } = await task.wait();
await task.delete();
await container.delete();
await client.close();
if (exitCode !== 0) throw new Error("exit " + exitCode);
`;

// The floor under any client built on nice-grpc and grpc-js (as the SDK is): import them, connect
// and make one call (Version, bytes in and out, no generated code), close.
const NICE_GRPC_SCRIPT = `
const [address] = process.argv.slice(1);
const { createChannel, createClient } = await import("nice-grpc");
const bytes = (b) => b;
const version = {
  path: "/containerd.services.version.v1.Version/Version", requestStream: false, responseStream: false,
  requestSerialize: (b) => Buffer.from(b), requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes,
};
const channel = createChannel("unix://" + address);
await createClient({ version }, channel).version(new Uint8Array());
channel.close();
`;

interface Sample {
  ms: number;
  cpuMs: number;
}

/** User + system time of the waited-for children so far, in ms (/proc/self/stat cutime, cstime). */
function childrenCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of stat(5); the slice starts at field 3.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function timeProcess(file: string, args: string[]): Promise<Sample> {
  const env = { ...process.env };
  // The bench runs under tsx with --conditions=source; the children must see the package as users do.
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(file, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${file} ${args.join(" ")} exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ ms, cpuMs: childrenCpuMs() - cpuBefore });
    });
  });
}

function summary(samples: Sample[]): Record<string, unknown> {
  const ms = samples.map((s) => s.ms);
  return {
    ms: { median: round(median(ms), 3), min: round(Math.min(...ms), 3), max: round(Math.max(...ms), 3) },
    cpu_ms: round(median(samples.map((s) => s.cpuMs)), 3),
  };
}

/** Whether some file under src/ changed after dist/index.js was built. */
function distIsStale(): boolean {
  const built = statSync(join(root, "dist/index.js")).mtimeMs;
  return readdirSync(join(root, "src"), { recursive: true, withFileTypes: true }).some(
    (e) => e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > built,
  );
}

/** Runs the cold-start cases alternately for `rounds` rounds (after one untimed round) and emits a line each. */
export async function coldStartWorkload(bench: Bench, opts: { rounds: number }): Promise<void> {
  if (!existsSync(join(root, "dist/index.js"))) throw new Error("cold-start: run `npm run build` first");
  if (distIsStale())
    note("cold-start: dist/ is older than src/; these figures are of the last `npm run build`");
  const node = process.execPath;
  const { address, fifoDir } = bench.ctr;
  const cases: Record<string, () => string[]> = {
    "node-bare": () => [node, "-e", "0"],
    "node-import": () => [node, "--input-type=module", "-e", IMPORT_ONLY],
    "nice-grpc-version": () => [node, "--input-type=module", "-e", NICE_GRPC_SCRIPT, address],
    "sdk-script": () => [
      node,
      "--input-type=module",
      "-e",
      RUN_SCRIPT,
      address,
      NAMESPACE,
      fifoDir,
      bench.rootfs,
      bench.nextId("cold-sdk"),
    ],
    "ctr-run-rm": () => [
      "ctr",
      "--address",
      address,
      "--namespace",
      NAMESPACE,
      "run",
      "--rm",
      "--null-io",
      "--rootfs",
      bench.rootfs,
      bench.nextId("cold-ctr"),
      "/bin/true",
    ],
  };
  const samples = new Map<string, Sample[]>(Object.keys(cases).map((k) => [k, []]));
  const names = Object.keys(cases);
  note(`cold-start: ${opts.rounds} rounds of ${names.join(", ")}`);
  for (let round = -1; round < opts.rounds; round++) {
    // Rotate the order so no case always runs right after the same other one.
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length] as string);
    for (const name of order) {
      const [file, ...args] = (cases[name] as () => string[])();
      const sample = await timeProcess(file as string, args);
      if (round >= 0) samples.get(name)?.push(sample);
    }
  }
  for (const [name, list] of samples)
    emit({ workload: "cold-start", case: name, rounds: list.length, ...summary(list) });
  const medianOf = (name: string) => median((samples.get(name) ?? []).map((s) => s.ms));
  emit({
    workload: "cold-start",
    ratio: "sdk-script/ctr-run-rm",
    value: round(medianOf("sdk-script") / medianOf("ctr-run-rm"), 3),
    import_over_bare_ms: round(medianOf("node-import") - medianOf("node-bare"), 3),
    nice_grpc_version_over_bare_ms: round(medianOf("nice-grpc-version") - medianOf("node-bare"), 3),
  });
}
