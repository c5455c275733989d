// Pull (and unpack) a 3-layer image of BENCH_IMAGE_MIB (100) MiB from a loopback docker-registry:
// the SDK against `ctr images pull --plain-http`, alternating for BENCH_ROUNDS (3) rounds on one
// daemon, each from an empty content store. Prints JSON lines (MB/s, RPCs) and the SDK/ctr ratio.
//   node --conditions=source --import tsx bench/pull.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startContainerd, startRegistry } from "containerd-sdk/testing";
import { buildBenchImage, compareWithCtr, ctr } from "./pull-fixture.js";

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
  await compareWithCtr({
    workload: "image-pull",
    daemon,
    rounds,
    bytes: size,
    sides: {
      sdk: { run: () => sdk.images.pull(ref), clean: () => sdk.images.delete(ref, { sync: true }) },
      ctr: {
        run: () => ctr(daemon, "bench-ctr", ["images", "pull", "--plain-http", ref]),
        clean: () => ctr(daemon, "bench-ctr", ["images", "rm", "--sync", ref]),
      },
    },
  });
  await image.remove();
} finally {
  await registry.stop();
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
}
