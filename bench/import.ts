// Import (and unpack) a docker-archive tar of each bench image (bench/pull-fixture.ts: a 3-layer
// BENCH_IMAGE_MIB (100) MiB image and Debian's redis-server): the SDK (images.import + unpack)
// against `ctr images import` (on 2.x both through the daemon's Transfer service, ctr's default,
// and `--local`), alternating for BENCH_ROUNDS (3) rounds on one daemon, each into an empty content
// store. Prints JSON lines (MB/s, RPCs) and the SDK's ratio over each ctr. The daemon is the one on
// PATH, or $CONTAINERD_SDK_TEST_BINARIES (with that directory first on PATH, for its ctr).
//   node --conditions=source --import tsx bench/import.ts
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContainerdInstance, startContainerd } from "containerd-sdk/testing";
import { benchImages, compareWithCtr, ctr, ctrHasTransfer, type ImageSide } from "./pull-fixture.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const mib = Number(process.env.BENCH_IMAGE_MIB ?? 100);

/** `ctr images import` of `file`, with `flags`, and the cleanup of the image it names. */
function ctrSide(daemon: ContainerdInstance, file: string, name: string, flags: string[]): ImageSide {
  return {
    run: () => ctr(daemon, "bench-ctr", ["images", "import", ...flags, file]),
    clean: () => ctr(daemon, "bench-ctr", ["images", "rm", "--sync", name]),
  };
}

const dir = await mkdtemp(join(tmpdir(), "bench-import-"));
const daemon = await startContainerd({ namespace: "bench-sdk", metrics: true });
try {
  const transfer = await ctrHasTransfer();
  for (const { name, layers, image } of await benchImages(dir, mib)) {
    const file = join(dir, `${name}.tar`);
    await image.writeDockerArchive(file, `bench/${name}:v1`);
    await image.remove();
    const size = (await stat(file)).size;
    const ref = `docker.io/bench/${name}:v1`;
    const sdk = daemon.client;
    const sides: Record<string, ImageSide> = {
      sdk: {
        run: async () => (await sdk.images.import(file))[0]?.unpack(),
        clean: () => sdk.images.delete(ref, { sync: true }),
      },
      ctr: ctrSide(daemon, file, ref, []),
    };
    if (transfer) sides["ctr-local"] = ctrSide(daemon, file, ref, ["--local"]);
    await compareWithCtr({ workload: `image-import-${name}`, daemon, rounds, bytes: size, layers, sides });
    await rm(file, { force: true });
  }
} finally {
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
}
