// Pull (and unpack) a 3-layer image of BENCH_IMAGE_MIB (100) MiB from a loopback docker-registry:
// the SDK against `ctr images pull --plain-http`, alternating for BENCH_ROUNDS (3) rounds on one
// daemon, each from an empty content store. Prints JSON lines (MB/s, RPCs) and the SDK/ctr ratio.
//   node --conditions=source --import tsx bench/pull.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rpcDelta, rpcTotal, startContainerd, startRegistry } from "containerd-sdk/testing";
import { buildBenchImage, ctr, medianOf } from "./pull-fixture.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const mib = Number(process.env.BENCH_IMAGE_MIB ?? 100);
const dir = await mkdtemp(join(tmpdir(), "bench-pull-"));
const daemon = await startContainerd({ namespace: "bench-sdk", metrics: true });
const registry = await startRegistry({ parentDir: dir });
try {
  const image = await buildBenchImage(dir, mib);
  const ref = `${registry.host}/bench/big:v1`;
  await image.push(ref);
  const sdk = daemon.client;
  const size = await (async () => {
    const img = await sdk.images.pull(ref, { unpack: false });
    const n = await img.size();
    await img.delete({ sync: true });
    return n;
  })();
  const times = { sdk: [] as number[], ctr: [] as number[] };
  const rpcs = { sdk: 0, ctr: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const impl of ["sdk", "ctr"] as const) {
      const before = await daemon.rpcCounts();
      const start = process.hrtime.bigint();
      if (impl === "sdk") await sdk.images.pull(ref);
      else await ctr(daemon, "bench-ctr", ["images", "pull", "--plain-http", ref]);
      times[impl].push(Number(process.hrtime.bigint() - start) / 1e9);
      rpcs[impl] = rpcTotal(rpcDelta(before, await daemon.rpcCounts()));
      if (impl === "sdk") await sdk.images.delete(ref, { sync: true });
      else await ctr(daemon, "bench-ctr", ["images", "rm", "--sync", ref]);
    }
  }
  for (const impl of ["sdk", "ctr"] as const) {
    const seconds = medianOf(times[impl]);
    process.stdout.write(
      `${JSON.stringify({
        workload: "image-pull",
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
    `${JSON.stringify({ workload: "image-pull", ratio_sdk_over_ctr: Math.round(ratio * 100) / 100 })}\n`,
  );
  await image.remove();
} finally {
  await registry.stop();
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
}
