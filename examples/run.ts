// Runs one command in a busybox container and prints its output and exit code:
//   npm run example -- examples/run.ts [command...]
// With no $CONTAINERD_ADDRESS it starts a private containerd and removes it afterwards.
import { Client } from "containerd-sdk";
import { startContainerd } from "containerd-sdk/testing";

const args = process.argv.slice(2);
const command = args.length > 0 ? args : ["/bin/sh", "-c", "echo hello from $(hostname); uname -r"];

const address = process.env.CONTAINERD_ADDRESS;
await using daemon = address ? undefined : await startContainerd();
await using client = await Client.connect({ address: address ?? daemon?.address, fifoDir: daemon?.fifoDir });
// A real deployment brings its own root filesystem (or an image); the harness builds a busybox one.
const rootfs = daemon ? await daemon.rootfs() : process.env.ROOTFS;
if (!rootfs) throw new Error("set ROOTFS to a root filesystem path when CONTAINERD_ADDRESS is set");

// create, start, collect stdout/stderr, wait, delete: everything it made is gone afterwards.
const { exitCode, stdout, stderr } = await client.run({ rootfs, args: command, hostname: "example" });
process.stdout.write(stdout);
process.stderr.write(stderr);
console.log(`exit code ${exitCode}`);
// The script exits as the container did, like `docker run`.
process.exitCode = exitCode;
