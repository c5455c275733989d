// Import (and unpack) a docker-archive tar of a 3-layer BENCH_IMAGE_MIB (100) MiB image: the SDK
// (images.import + unpack) against `ctr images import`, alternating for BENCH_ROUNDS (3) rounds on
// one daemon, each into an empty content store. Prints JSON lines (MB/s, RPCs) and the SDK/ctr ratio.
//   node --conditions=source --import tsx bench/import.ts
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startContainerd } from "containerd-sdk/testing";
import { buildBenchImage, compareWithCtr, ctr } from "./pull-fixture.js";

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
  await compareWithCtr({
    workload: "image-import",
    daemon,
    rounds,
    bytes: size,
    sides: {
      sdk: {
        run: async () => (await sdk.images.import(file))[0]?.unpack(),
        clean: () => sdk.images.delete(name, { sync: true }),
      },
      ctr: {
        run: () => ctr(daemon, "bench-ctr", ["images", "import", file]),
        clean: () => ctr(daemon, "bench-ctr", ["images", "rm", "--sync", name]),
      },
    },
  });
} finally {
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
}
