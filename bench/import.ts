// Import (and unpack) a docker-archive tar of a 3-layer BENCH_IMAGE_MIB (100) MiB image: the SDK
// (images.import + unpack) against `ctr images import`, alternating for BENCH_ROUNDS (3) rounds on
// one daemon, each into an empty content store. Prints JSON lines (MB/s, RPCs) and the SDK/ctr ratio.
//   node --conditions=source --import tsx bench/import.ts
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rpcDelta, rpcTotal, startContainerd } from "containerd-sdk/testing";
import { buildBenchImage, ctr, medianOf } from "./pull-fixture.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const mib = Number(process.env.BENCH_IMAGE_MIB ?? 100);
const dir = await mkdtemp(join(tmpdir(), "bench-import-"));
const daemon = await startContainerd({ namespace: "bench-sdk", metrics: true });
try {
  const image = await buildBenchImage(dir, mib);
  const file = join(dir, "image.tar");
  await image.writeDockerArchive(file, "bench/big:v1");
  await image.remove();
  const size = (await stat(file)).size;
  const name = "docker.io/bench/big:v1";
  const sdk = daemon.client;
  const times = { sdk: [] as number[], ctr: [] as number[] };
  const rpcs = { sdk: 0, ctr: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const impl of ["sdk", "ctr"] as const) {
      const before = await daemon.rpcCounts();
      const start = process.hrtime.bigint();
      if (impl === "sdk") {
        const [img] = await sdk.images.import(file);
        await img?.unpack();
      } else {
        await ctr(daemon, "bench-ctr", ["images", "import", file]);
      }
      times[impl].push(Number(process.hrtime.bigint() - start) / 1e9);
      rpcs[impl] = rpcTotal(rpcDelta(before, await daemon.rpcCounts()));
      if (impl === "sdk") await sdk.images.delete(name, { sync: true });
      else await ctr(daemon, "bench-ctr", ["images", "rm", "--sync", name]);
    }
  }
  for (const impl of ["sdk", "ctr"] as const) {
    const seconds = medianOf(times[impl]);
    process.stdout.write(
      `${JSON.stringify({
        workload: "image-import",
        impl,
        mib: Math.round((size / 2 ** 20) * 10) / 10,
        layers: 3,
        rounds,
        seconds: Math.round(seconds * 1000) / 1000,
        seconds_each: times[impl].map((s) => Math.round(s * 1000) / 1000),
        mib_per_s: Math.round((size / 2 ** 20 / seconds) * 10) / 10,
        rpcs: rpcs[impl],
      })}\n`,
    );
  }
  const ratio = medianOf(times.sdk) / medianOf(times.ctr);
  process.stdout.write(
    `${JSON.stringify({ workload: "image-import", ratio_sdk_over_ctr: Math.round(ratio * 100) / 100 })}\n`,
  );
} finally {
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
}
