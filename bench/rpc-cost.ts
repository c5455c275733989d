// What one RPC costs a client, layer by layer: part of the account of the time (bench/explain.ts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createChannel, createClient, Metadata } from "nice-grpc";
import {
  ContainersDefinition,
  CreateContainerRequest,
  GetContainerRequest,
  GetContainerResponse,
} from "../src/gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import { resolveAddress } from "../src/rpc/address.js";
import { H2Channel } from "../src/rpc/h2/channel.js";
import { createLeanClientFactory } from "../src/rpc/lean/create-client-factory.js";
import type { ServiceDefinition } from "../src/rpc/lean/method.js";
import { MAX_MESSAGE_BYTES } from "../src/rpc/transport.js";
import { type Bench, emit, formatTable, NAMESPACE, spread, spreadCell } from "./common.js";
import { daemonDelta, daemonTimes } from "./daemon-time.js";
import { h2Unary } from "./h2-unary.js";

const run = promisify(execFile);
const GET = "Containers/Get";

/** One layer: `n` calls in this process, or (the Go client) a process that reports its own figures. */
type Layer = [name: string, measure: (n: number) => Promise<{ wall: number; cpu: number }>];

/** Times `n` sequential calls of `call` in this process: wall and CPU µs per call. */
function inProcess(call: () => Promise<unknown>): Layer[1] {
  return async (n) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await call();
    const wall = ((performance.now() - t0) * 1000) / n;
    const cpu = process.cpuUsage(cpu0);
    return { wall, cpu: (cpu.user + cpu.system) / n };
  };
}

/**
 * What one Containers/Get of an existing container costs, layer by layer: protobuf encoding alone;
 * the same call as bare node:http2 requests (the floor under any Node client); a bare nice-grpc
 * client on grpc-js and the SDK's own client on its http2 channel (neither with middleware); the SDK's raw stub (its middleware); a handle method
 * (`containers.load(id)`: one Get and a handle); and, with $GOCMP, the containerd Go client. Wall
 * and CPU per call over `n` calls, the layers alternating `rounds` times after a warm-up round,
 * with the daemon's own time per Get beside them.
 */
export async function rpcCost(bench: Bench, rounds: number, n: number): Promise<void> {
  const id = bench.nextId("explain-get");
  const container = await bench.client.containers.create(id, { rootfs: bench.rootfs, args: ["/bin/true"] });
  // The SDK's own message limits, so only the client, middleware and handle layers differ.
  const address = resolveAddress(bench.ctr.address);
  const limits = { "grpc.max_receive_message_length": MAX_MESSAGE_BYTES };
  const channel = createChannel(address.target, undefined, limits);
  const leanChannel = new H2Channel(address.path, { maxMessageBytes: MAX_MESSAGE_BYTES });
  const metadata = Metadata({ "containerd-namespace": NAMESPACE });
  const bare = createClient(ContainersDefinition, channel, { "*": { metadata } });
  const lean = createLeanClientFactory().create(
    ContainersDefinition as unknown as ServiceDefinition,
    leanChannel,
  ) as { get(request: { id: string }, options: { metadata: typeof metadata }): Promise<unknown> };
  const h2 = h2Unary(bench.ctr.address);
  const getPath = `/${ContainersDefinition.fullName}/Get`;
  const getRequest = GetContainerRequest.encode({ id }).finish();
  const sample = CreateContainerRequest.fromPartial({
    container: (await bench.client.raw.containers.get({ id }, { namespace: NAMESPACE })).container,
  });
  const layers: Layer[] = [
    [
      "encode+decode",
      inProcess(async () => CreateContainerRequest.decode(CreateContainerRequest.encode(sample).finish())),
    ],
    [
      "node:http2 floor",
      inProcess(async () =>
        GetContainerResponse.decode(
          await h2.call(getPath, getRequest, { "containerd-namespace": NAMESPACE }),
        ),
      ),
    ],
    ["bare nice-grpc, grpc-js", inProcess(() => bare.get({ id }))],
    ["sdk client, no middleware", inProcess(() => lean.get({ id }, { metadata }))],
    ["sdk raw stub", inProcess(() => bench.client.raw.containers.get({ id }, { namespace: NAMESPACE }))],
    ["handle load()", inProcess(() => bench.client.containers.load(id))],
  ];
  const gocmp = bench.gocmp;
  if (gocmp) {
    layers.push([
      "go client",
      async (calls) => {
        const { stdout } = await run(gocmp, [bench.ctr.address, bench.rootfs, "get", String(calls)]);
        const { wall_us: wall, cpu_us: cpu } = JSON.parse(stdout) as { wall_us: number; cpu_us: number };
        return { wall, cpu };
      },
    ]);
  }
  const results = new Map<string, { wall: number[]; cpu: number[]; daemon: number[] }>();
  try {
    for (let r = 0; r <= rounds; r++) {
      for (const [name, measure] of layers) {
        const before = await daemonTimes(bench);
        const { wall, cpu } = await measure(n);
        // Per Get the daemon answered: the Go row's warm-up calls count here too, at the same cost.
        const get = daemonDelta(before, await daemonTimes(bench)).get(GET);
        if (r === 0) continue; // warm-up
        const entry = results.get(name) ?? { wall: [], cpu: [], daemon: [] };
        entry.wall.push(wall);
        entry.cpu.push(cpu);
        entry.daemon.push(get ? (get.seconds * 1e6) / get.count : Number.NaN);
        results.set(name, entry);
      }
    }
  } finally {
    h2.close();
    channel.close();
    leanChannel.close();
    await container.delete();
  }
  printCosts(results, n, rounds);
}

function printCosts(
  results: Map<string, { wall: number[]; cpu: number[]; daemon: number[] }>,
  n: number,
  rounds: number,
): void {
  const rows = [["layer", "wall µs/call", "cpu µs/call", "daemon µs/call"]];
  for (const [name, { wall, cpu, daemon }] of results) {
    const w = spread(wall);
    const c = spread(cpu);
    const d = spread(daemon);
    emit({ workload: "explain-rpc-cost", layer: name, n, rounds, wall_us: w, cpu_us: c, daemon_us: d });
    rows.push([name, spreadCell(w, 0), spreadCell(c, 0), spreadCell(d, 0)]);
  }
  process.stderr.write(
    `explain: one Containers/Get, ${n} calls per round, median (min–max)\n${formatTable(rows)}\n\n`,
  );
}
