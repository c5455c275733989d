// Pulls an image with a progress bar and runs it:
//   npm run example -- examples/pull-and-run.ts [reference] [command...]
// With no $CONTAINERD_ADDRESS it starts a private containerd and a loopback registry, builds a
// busybox image with umoci and pushes it there with skopeo, so it runs without the internet.
import { Client, type PullProgress } from "containerd-sdk";
import { buildBusyboxImage, startContainerd, startRegistry } from "containerd-sdk/testing";

const [givenRef, ...command] = process.argv.slice(2);
const address = process.env.CONTAINERD_ADDRESS;
await using daemon = address ? undefined : await startContainerd();
await using registry = givenRef ? undefined : await startRegistry();
let reference = givenRef;
if (!reference && registry) {
  await using image = await buildBusyboxImage({ cmd: ["/bin/sh", "-c", "echo hello from $(hostname)"] });
  reference = `${registry.host}/example/busybox:latest`;
  await image.push(reference);
}
if (!reference) throw new Error("give an image reference");
await using client = await Client.connect({ address: address ?? daemon?.address, fifoDir: daemon?.fifoDir });

// One line per blob, redrawn in place: digest, bar, bytes.
const blobs = new Map<string, PullProgress>();
const draw = () => {
  const lines = [...blobs.values()].map((p) => {
    const share = p.total > 0 ? p.done / p.total : 1;
    const bar = "#".repeat(Math.round(share * 30)).padEnd(30, ".");
    return `${p.kind.padEnd(8)} ${p.digest.slice(7, 19)} [${bar}] ${(p.done / 1e6).toFixed(1)}/${(p.total / 1e6).toFixed(1)} MB${p.complete ? " done" : ""}`;
  });
  // Move up over what the last draw printed, clear it, print again.
  if (drawn > 0) process.stderr.write(`\x1b[${drawn}A\x1b[0J`);
  process.stderr.write(`${lines.join("\n")}\n`);
  drawn = lines.length;
};
let drawn = 0;
const image = await client.images.pull(reference, {
  onProgress: (p) => {
    blobs.set(p.digest, p);
    draw();
  },
});
process.stderr.write(`pulled ${image.name} (${((await image.size()) / 1e6).toFixed(1)} MB)\n`);

const result = await client.run({ image: image.name, ...(command.length > 0 ? { args: command } : {}) });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.stderr.write(`exit code ${result.exitCode}\n`);
