// Starts a long-running container and execs commands in it:
//   npm run example -- examples/exec.ts
// With no $CONTAINERD_ADDRESS it starts a private containerd and removes it afterwards.
import { Client } from "containerd-sdk";
import { startContainerd } from "containerd-sdk/testing";

const address = process.env.CONTAINERD_ADDRESS;
await using daemon = address ? undefined : await startContainerd();
await using client = await Client.connect({ address: address ?? daemon?.address, fifoDir: daemon?.fifoDir });
const rootfs = daemon ? await daemon.rootfs() : process.env.ROOTFS;
if (!rootfs) throw new Error("set ROOTFS to a root filesystem path when CONTAINERD_ADDRESS is set");

await using container = await client.containers.create("exec-example", {
  rootfs,
  args: ["/bin/sleep", "3600"],
});
await using task = await container.newTask();
await task.start();

// One-shot: exec, collect stdout and stderr, delete (3 RPCs).
const ps = await task.run(["/bin/ps", "-o", "pid,args"]);
console.log(`ps exited ${ps.exitCode}:\n${ps.stdout}`);

// Step by step, with stdin: a Process handle keeps its pid, stdio and exit.
const sort = await task.exec("sort", { args: ["/usr/bin/sort"], stdio: "pipe" });
sort.stdout?.pipe(process.stdout);
await sort.start();
sort.stdin?.end("pear\napple\nfig\n");
await sort.closeStdin(); // the shim keeps its own end of stdin open: EOF needs CloseIO
console.log(`sort exited ${(await sort.wait()).exitCode}`);
await sort.delete();
// Disposal (in reverse order) force-deletes the task, then deletes the container.
