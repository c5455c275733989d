// Network: from `containers.create` to the first HTTP answer on a published port (busybox httpd in
// a busybox image), then the teardown, per lifecycle; the SDK with a bridge network and a published
// port, the SDK on the host's network (what the network adds), and Debian's docker.io on a private
// dockerd over the bench's own containerd (`docker run -d -p 0:80`, `docker port`, first answer;
// `docker rm -f`), alternating within each round. Traffic goes to 127.0.0.1 only.
//
// `network-teardown`: iptables rules, veths, IPAM files, netns files and cached results before and
// after N lifecycles with a published port, to show that nothing stays.
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Client } from "containerd-sdk";
import { buildBusyboxImage } from "containerd-sdk/testing";
import { type Bench, emit, median, note, pool, round } from "./common.js";
import { dockerMissing, type PrivateDocker, startDocker } from "./docker.js";

const IMAGE = "docker.io/sdkbench/busybox-www:latest";
const DOCKER_IMAGE = "sdkbench/busybox-www:latest";
const MARKER = "bench-www";
const HTTPD = ["httpd", "-f", "-p", "80", "-h", "/www"];
const run = promisify(execFile);

/** One lifecycle's two figures, in milliseconds. */
interface Sample {
  answer: number;
  teardown: number;
}

/** Whether `GET /` on 127.0.0.1:`port` answers the marker now. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", timeout: 1000, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve(body.includes(MARKER)));
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Polls until `port` answers (a refused connect comes back at once; 2 ms between tries). */
async function untilAnswer(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline) throw new Error(`127.0.0.1:${port} never answered`);
    await sleep(2);
  }
}

/** A free loopback port for the host-network reference (httpd binds it itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

async function sdkLifecycle(client: Client, id: string, network: "bridge" | "host"): Promise<Sample> {
  const started = performance.now();
  const port = network === "host" ? await freePort() : 0;
  const container = await client.containers.create(id, {
    image: IMAGE,
    args: network === "host" ? ["httpd", "-f", "-p", `127.0.0.1:${port}`, "-h", "/www"] : HTTPD,
    network: network === "host" ? "host" : { name: "benchnet", ports: [{ containerPort: 80 }] },
  });
  const task = await container.newTask();
  await task.start();
  await untilAnswer(network === "host" ? port : (task.hostPort(80) as number));
  const answered = performance.now();
  await container.delete({ force: true });
  return { answer: answered - started, teardown: performance.now() - answered };
}

async function dockerLifecycle(docker: PrivateDocker): Promise<Sample> {
  const started = performance.now();
  const id = (await docker.docker("run", "-d", "-p", "0:80", DOCKER_IMAGE, ...HTTPD)).trim();
  // "0.0.0.0:49153" (and "[::]:49153"): what a caller has to ask for before connecting.
  const mapped = (await docker.docker("port", id, "80/tcp")).split("\n")[0] ?? "";
  await untilAnswer(Number(mapped.split(":").at(-1)));
  const answered = performance.now();
  await docker.docker("rm", "-f", id);
  return { answer: answered - started, teardown: performance.now() - answered };
}

function summary(impl: string, samples: Sample[], params: Record<string, unknown>): number {
  const answer = samples.map((s) => s.answer);
  const teardown = samples.map((s) => s.teardown);
  emit({
    workload: "network",
    impl,
    ...params,
    lifecycles: samples.length,
    first_answer_ms: Math.round(median(answer)),
    first_answer_ms_min: Math.round(Math.min(...answer)),
    first_answer_ms_max: Math.round(Math.max(...answer)),
    teardown_ms: Math.round(median(teardown)),
    teardown_ms_min: Math.round(Math.min(...teardown)),
    teardown_ms_max: Math.round(Math.max(...teardown)),
  });
  return median(answer);
}

/** A client on the bench's daemon whose networks live in the harness's private state directory. */
async function networkClient(bench: Bench): Promise<Client> {
  const client = await Client.connect({
    address: bench.ctr.address,
    namespace: bench.client.namespace,
    fifoDir: bench.ctr.fifoDir,
    network: { stateDir: bench.ctr.client.networks.stateDir },
  });
  await client.networks.create("benchnet").catch(async (err) => {
    if (!(await client.networks.list()).some((n) => n.name === "benchnet")) throw err;
  });
  return client;
}

/** Builds the busybox image with /www/index.html, imports it and writes a `docker save` tar. */
async function prepareImage(bench: Bench, dockerTar: string): Promise<void> {
  await using image = await buildBusyboxImage({ files: { "/www/index.html": `${MARKER}\n` } });
  const oci = join(bench.ctr.dir, "bench-www.oci.tar");
  await image.writeOciArchive(oci, IMAGE);
  await bench.client.images.import(oci);
  await image.writeDockerArchive(dockerTar, DOCKER_IMAGE);
}

export async function networkWorkload(bench: Bench, opts: { rounds: number; n: number }): Promise<void> {
  const dockerTar = join(bench.ctr.dir, "bench-www.docker.tar");
  await prepareImage(bench, dockerTar);
  const client = await networkClient(bench);
  const why = dockerMissing();
  let docker: PrivateDocker | undefined;
  if (why) note(`network: no Docker comparison: ${why}`);
  else {
    docker = await startDocker(bench.ctr.address);
    await docker.docker("load", "-i", dockerTar);
  }
  const samples: Record<"sdk" | "sdk-host" | "docker", Sample[]> = { sdk: [], "sdk-host": [], docker: [] };
  try {
    note("network: warm-up");
    await sdkLifecycle(client, bench.nextId("netw"), "bridge");
    if (docker) await dockerLifecycle(docker);
    for (let r = 1; r <= opts.rounds; r++) {
      note(`network: round ${r}/${opts.rounds}`);
      for (let i = 0; i < opts.n; i++) {
        samples.sdk.push(await sdkLifecycle(client, bench.nextId("net"), "bridge"));
        samples["sdk-host"].push(await sdkLifecycle(client, bench.nextId("neth"), "host"));
        if (docker) samples.docker.push(await dockerLifecycle(docker));
      }
    }
  } finally {
    await docker?.stop();
    await client.close();
  }
  const params = { rounds: opts.rounds, n: opts.n };
  const sdk = summary("sdk", samples.sdk, params);
  summary("sdk-host", samples["sdk-host"], params);
  if (samples.docker.length === 0) return;
  const dock = summary("docker", samples.docker, params);
  emit({ workload: "network", ratio: round(sdk / dock, 3), teardown_ratio: teardownRatio(samples) });
}

function teardownRatio(samples: Record<string, Sample[]>): number {
  const t = (impl: string) => median((samples[impl] ?? []).map((s) => s.teardown));
  return round(t("sdk") / t("docker"), 3);
}

/** A rule that exists for one container (rules.ts), not the shared chains' hooks. */
const PER_CONTAINER_RULE =
  /^-A CSDK-(DN|MASQ)-|^-A CSDK-(FORWARD|POSTROUTING) -[sd] |^-A CSDK-HOSTPORT-DNAT -p /;

/** What of networking is on the host and in the state directory right now. */
async function footprint(stateDir: string): Promise<Record<string, number>> {
  const saved = (await run("iptables-save", [])).stdout.split("\n");
  const rules = saved.filter((l) => l.startsWith("-A "));
  const veths = (await run("ip", ["-o", "link", "show", "type", "veth"])).stdout.split("\n").filter(Boolean);
  // Entries one level down (<namespace>/<id>, <bridge>/<ip>), not the directories themselves.
  const files = async (dir: string, name: RegExp) =>
    (await readdir(dir, { recursive: true }).catch(() => [] as string[])).filter((f) => name.test(f)).length;
  return {
    iptables_rules: rules.length,
    iptables_chains: saved.filter((l) => l.startsWith(":")).length,
    iptables_rules_per_container: rules.filter((l) => PER_CONTAINER_RULE.test(l)).length,
    veths: veths.length,
    ipam_reservations: await files(join(stateDir, "ipam"), /\/\d+\.\d+\.\d+\.\d+$/),
    netns_files: await files(join(stateDir, "netns"), /\//),
    cached_results: await files(join(stateDir, "results"), /\/.+\.json$/),
  };
}

export async function networkTeardownWorkload(
  bench: Bench,
  opts: { n: number; concurrency: number },
): Promise<void> {
  const client = await networkClient(bench);
  const stateDir = client.networks.stateDir;
  try {
    const before = await footprint(stateDir);
    const lifecycle = async (check?: () => Promise<void>) => {
      const container = await client.containers.create(bench.nextId("netd"), {
        rootfs: bench.rootfs,
        args: ["sleep", "1000"],
        network: { name: "benchnet", ports: [{ containerPort: 80 }] },
      });
      await (await container.newTask()).start();
      await check?.();
      await container.delete({ force: true });
    };
    // The counts see a container's share: one running lifecycle adds to each.
    let withOne: Record<string, number> = {};
    await lifecycle(async () => {
      withOne = await footprint(stateDir);
    });
    note(`network-teardown: ${opts.n} lifecycles with a published port, ${opts.concurrency} at a time`);
    await pool(opts.n, opts.concurrency, () => lifecycle());
    const after = await footprint(stateDir);
    emit({
      workload: "network-teardown",
      lifecycles: opts.n,
      concurrency: opts.concurrency,
      before,
      with_one_running: withOne,
      after,
    });
  } finally {
    await client.close();
  }
}
