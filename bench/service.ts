// Service (issue 21): from nothing to a ready redis answering PING on its mapped port, the image
// already in place: the SDK's `startService` (ready by its log line) beside testcontainers-node
// (`GenericContainer`, the same log wait) on a private dockerd, Debian's docker.io over the bench's
// own containerd, with the reaper off (its image cannot be pulled here); alternating within each
// round, the stop timed apart. Then `service-burst`: N services started at once on each side, the
// wall time until every one answers PING, the stop of all of them, and what is left afterwards.
// One untimed start of each first: the SDK's watchdog process and testcontainers' Docker client
// (both made once per process) are not in the figures.
import { rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Client, filters } from "containerd-sdk";
import {
  REDIS_READY_LOG,
  redisImage,
  SESSION_LABEL,
  sessionId,
  startService,
  wait,
} from "containerd-sdk/testing";
import { type Bench, emit, median, note, round } from "./common.js";
import { dockerMissing, type PrivateDocker, startDocker } from "./docker.js";
import { untilPong } from "./redis-ping.js";

const SDK_IMAGE = "docker.io/sdkbench/redis:latest";
const DOCKER_IMAGE = "sdkbench/redis:latest";
const REDIS_PORT = 6379;

/** A started redis: its host port on 127.0.0.1, and its stop (the side's own default). */
interface Running {
  port: number;
  stop(): Promise<void>;
}

/** One implementation: starts a redis, ready by its own wait; counts what of it is left. */
interface Side {
  impl: "sdk" | "testcontainers";
  start(): Promise<Running>;
  /** Its containers (and, for the SDK, session networks) still present. */
  leftovers(): Promise<number>;
}

/** One start and stop, in milliseconds. */
interface Sample {
  start: number;
  stop: number;
}

/** One burst: every start answered, every stop done (ms), and what was left. */
interface BurstSample {
  all: number;
  stop: number;
  left: number;
}

/** `startService` with a client whose networks live in the harness's private state directory. */
async function sdkSide(bench: Bench): Promise<Side & { close(): Promise<void> }> {
  const client = await Client.connect({
    address: bench.ctr.address,
    namespace: bench.client.namespace,
    fifoDir: bench.ctr.fifoDir,
    network: { stateDir: bench.ctr.client.networks.stateDir },
  });
  const mine = { filters: [filters.label(SESSION_LABEL, sessionId())] };
  return {
    impl: "sdk",
    async start() {
      const handle = await startService(client, {
        image: SDK_IMAGE,
        ports: [REDIS_PORT],
        wait: wait.forLog(REDIS_READY_LOG),
      });
      return { port: handle.port(REDIS_PORT), stop: () => handle.stop() };
    },
    // The session network stays for the session by design (the watchdog removes it at exit):
    // what counts is containers and their attachments.
    async leftovers() {
      const containers = await client.containers.list(mine);
      const attachments = await client.networks.attachments();
      return containers.length + attachments.length;
    },
    close: () => client.close(),
  };
}

/** testcontainers-node on the private dockerd; it reads DOCKER_HOST once, at its first start. */
async function testcontainersSide(docker: PrivateDocker): Promise<Side> {
  process.env.DOCKER_HOST = `unix://${docker.socket}`;
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  const { GenericContainer, Wait } = await import("testcontainers");
  return {
    impl: "testcontainers",
    async start() {
      const container = await new GenericContainer(DOCKER_IMAGE)
        .withExposedPorts(REDIS_PORT)
        .withWaitStrategy(Wait.forLogMessage(REDIS_READY_LOG))
        .start();
      return {
        port: container.getMappedPort(REDIS_PORT),
        stop: async () => {
          await container.stop();
        },
      };
    },
    leftovers: async () => (await docker.docker("ps", "-aq")).split("\n").filter(Boolean).length,
  };
}

/** Nothing to PING answered, then the stop; a failed PING still stops what started. */
async function lifecycle(side: Side): Promise<Sample> {
  const started = performance.now();
  const running = await side.start();
  try {
    await untilPong(running.port);
  } catch (err) {
    await running.stop().catch(() => {});
    throw err;
  }
  const answered = performance.now();
  await running.stop();
  return { start: answered - started, stop: performance.now() - answered };
}

/** `n` starts at once, each until its PING is answered; then every stop at once. */
async function burst(side: Side, n: number): Promise<BurstSample> {
  const running: Running[] = [];
  const started = performance.now();
  const starts = await Promise.allSettled(
    Array.from({ length: n }, async () => {
      const one = await side.start();
      running.push(one);
      await untilPong(one.port);
    }),
  );
  const answered = performance.now();
  const stops = await Promise.allSettled(running.map((r) => r.stop()));
  const stopped = performance.now();
  const failed = [...starts, ...stops].find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return { all: answered - started, stop: stopped - answered, left: await side.leftovers() };
}

/** Imports the redis image into the SDK's namespace and, with Docker, `docker load`s it there. */
async function prepareImages(bench: Bench, docker: PrivateDocker | undefined): Promise<void> {
  note("service: redis image (from the cache, or built by mmdebstrap: minutes)");
  await using image = await redisImage({ parentDir: bench.ctr.dir });
  const oci = join(bench.ctr.dir, "redis.oci.tar");
  await image.writeOciArchive(oci, SDK_IMAGE);
  await bench.client.images.import(oci);
  await rm(oci, { force: true });
  if (!docker) return;
  const tar = join(bench.ctr.dir, "redis.docker.tar");
  await image.writeDockerArchive(tar, DOCKER_IMAGE);
  await docker.docker("load", "-i", tar);
  await rm(tar, { force: true });
}

/** `<name>_ms`, `_min` and `_max` of each figure `picks` takes from the samples. */
function ms<T>(samples: T[], picks: Record<string, (s: T) => number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pick] of Object.entries(picks)) {
    const values = samples.map(pick);
    out[`${name}_ms`] = Math.round(median(values));
    out[`${name}_ms_min`] = Math.round(Math.min(...values));
    out[`${name}_ms_max`] = Math.round(Math.max(...values));
  }
  return out;
}

/** Every side's samples, in the order the sides were given. */
type Samples<T> = Map<Side["impl"], T[]>;

function emitRounds(rounds: Samples<Sample>, params: Record<string, number>): void {
  for (const [impl, s] of rounds) {
    emit({
      workload: "service",
      impl,
      ...params,
      ...ms(s, { start: (x) => x.start, stop: (x) => x.stop }),
    });
  }
}

function emitBursts(bursts: Samples<BurstSample>, params: Record<string, number>): void {
  for (const [impl, s] of bursts) {
    emit({
      workload: "service-burst",
      impl,
      ...params,
      ...ms(s, { all_answered: (x) => x.all, stop_all: (x) => x.stop }),
      left_after: Math.max(...s.map((x) => x.left)),
    });
    if (s.some((x) => x.left > 0))
      note(`service-burst: ${impl} left containers or network attachments behind`);
  }
}

/** SDK / testcontainers of the median of `pick` (below 1: the SDK is faster). */
function ratio<T>(samples: Samples<T>, pick: (s: T) => number): number {
  const m = (impl: Side["impl"]) => median((samples.get(impl) ?? []).map(pick));
  return round(m("sdk") / m("testcontainers"), 3);
}

/** Rounds of one start each, then of one burst each, alternating the sides and who goes first. */
async function measure(sides: Side[], opts: { rounds: number; burst: number }) {
  const rounds: Samples<Sample> = new Map(sides.map((s) => [s.impl, []]));
  const bursts: Samples<BurstSample> = new Map(sides.map((s) => [s.impl, []]));
  const order = (r: number) => (r % 2 ? sides : [...sides].reverse());
  note("service: warm-up");
  for (const side of sides) await lifecycle(side);
  for (let r = 1; r <= opts.rounds; r++) {
    note(`service: round ${r}/${opts.rounds}`);
    for (const side of order(r)) rounds.get(side.impl)?.push(await lifecycle(side));
  }
  for (let r = 1; r <= opts.rounds; r++) {
    note(`service-burst: round ${r}/${opts.rounds}, ${opts.burst} at once`);
    for (const side of order(r)) bursts.get(side.impl)?.push(await burst(side, opts.burst));
  }
  return { rounds, bursts };
}

/** The Docker client's environment, put back once the workload is done. */
function saveEnv(names: string[]): () => void {
  const saved = names.map((n) => [n, process.env[n]] as const);
  return () => {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  };
}

export async function serviceWorkload(bench: Bench, opts: { rounds: number; burst: number }): Promise<void> {
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const why = dockerMissing();
  if (why) note(`service: no testcontainers comparison: ${why}`);
  const docker = why ? undefined : await startDocker(bench.ctr.address);
  const restoreEnv = saveEnv(["DOCKER_HOST", "TESTCONTAINERS_RYUK_DISABLED"]);
  let sdk: Awaited<ReturnType<typeof sdkSide>> | undefined;
  let results: Awaited<ReturnType<typeof measure>>;
  try {
    await prepareImages(bench, docker);
    sdk = await sdkSide(bench);
    const sides: Side[] = docker ? [sdk, await testcontainersSide(docker)] : [sdk];
    results = await measure(sides, opts);
  } finally {
    // dockerd's stop removes its containers; the SDK's are the bench daemon's, gone with it.
    await docker?.stop();
    await sdk?.close();
    restoreEnv();
  }
  const params = { rounds: opts.rounds };
  emitRounds(results.rounds, params);
  emitBursts(results.bursts, { ...params, services: opts.burst });
  if (!docker) return;
  emit({
    workload: "service",
    ratio: ratio(results.rounds, (s) => s.start),
    stop_ratio: ratio(results.rounds, (s) => s.stop),
    burst_ratio: ratio(results.bursts, (s) => s.all),
    burst_stop_ratio: ratio(results.bursts, (s) => s.stop),
    loadavg_1m: [round(loadBefore, 3), round(loadavg()[0] ?? Number.NaN, 3)],
  });
}
