// Pull (and unpack) each bench image (bench/pull-fixture.ts: a 3-layer BENCH_IMAGE_MIB (100) MiB
// image and Debian's redis-server) from a loopback docker-registry: the SDK against `ctr images pull
// --plain-http`. On 2.x the SDK's default goes through the daemon's Transfer service, as ctr's does;
// there the SDK's client-side pull (`via: "client"`) and `ctr --local` run too. The sides run
// alternately for BENCH_ROUNDS (3) rounds on one daemon, each from an empty content store. Prints
// JSON lines (MB/s, RPCs) and the SDK's ratio over each other side. The daemon is the one on PATH, or
// $CONTAINERD_SDK_TEST_BINARIES (with that directory first on PATH, for its ctr).
//   node --conditions=source --import tsx bench/pull.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContainerdInstance, startContainerd, startRegistry } from "containerd-sdk/testing";
import { benchImages, compareWithCtr, ctr, ctrHasTransfer, type ImageSide } from "./pull-fixture.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const mib = Number(process.env.BENCH_IMAGE_MIB ?? 100);

/** `ctr images pull` of `ref`, with `flags`, and its cleanup. */
function ctrSide(daemon: ContainerdInstance, ref: string, flags: string[]): ImageSide {
  return {
    run: () => ctr(daemon, "bench-ctr", ["images", "pull", "--plain-http", ...flags, ref]),
    clean: () => ctr(daemon, "bench-ctr", ["images", "rm", "--sync", ref]),
  };
}

const dir = await mkdtemp(join(tmpdir(), "bench-pull-"));
const daemon = await startContainerd({ namespace: "bench-sdk", metrics: true });
const registry = await startRegistry({ parentDir: dir });
try {
  const transfer = await ctrHasTransfer();
  for (const { name, layers, image } of await benchImages(dir, mib)) {
    const ref = `${registry.host}/bench/${name}:v1`;
    await image.push(ref);
    await image.remove();
    const sdk = daemon.client;
    const size = await (async () => {
      const img = await sdk.images.pull(ref, { unpack: false });
      const n = await img.size();
      await img.delete({ sync: true });
      return n;
    })();
    const sides: Record<string, ImageSide> = {
      sdk: { run: () => sdk.images.pull(ref), clean: () => sdk.images.delete(ref, { sync: true }) },
      ctr: ctrSide(daemon, ref, []),
    };
    if (transfer) {
      sides["sdk-client"] = {
        run: () => sdk.images.pull(ref, { via: "client" }),
        clean: () => sdk.images.delete(ref, { sync: true }),
      };
      sides["ctr-local"] = ctrSide(daemon, ref, ["--local"]);
    }
    await compareWithCtr({ workload: `image-pull-${name}`, daemon, rounds, bytes: size, layers, sides });
  }
} finally {
  await registry.stop();
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
}
