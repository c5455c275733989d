// Detaches from a running task and attaches to it again, as a restarted program would:
//   npm run example -- examples/attach.ts
// With no $CONTAINERD_ADDRESS it starts a private containerd and removes it afterwards.
import { Client } from "containerd-sdk";
import { startContainerd } from "containerd-sdk/testing";

const address = process.env.CONTAINERD_ADDRESS;
await using daemon = address ? undefined : await startContainerd();
const connect = () => Client.connect({ address: address ?? daemon?.address, fifoDir: daemon?.fifoDir });
const rootfs = daemon ? await daemon.rootfs() : process.env.ROOTFS;
if (!rootfs) throw new Error("set ROOTFS to a root filesystem path when CONTAINERD_ADDRESS is set");

// First client: start `cat`, write a line, then go away without deleting anything.
{
  await using client = await connect();
  const container = await client.containers.create("attach-example", { rootfs, args: ["/bin/cat"] });
  const task = await container.newTask({ stdio: "pipe" });
  task.stdout?.pipe(process.stdout);
  await task.start();
  task.stdin?.write("written by the first client\n");
  await new Promise((resolve) => setTimeout(resolve, 200));
  await task.detach(); // closes our end of the FIFOs; the task keeps running
}

// Second client: load the container, re-open the task's stdio, finish the job.
await using client = await connect();
const container = await client.containers.load("attach-example");
const task = await container.task({ attach: true });
task.stdout?.pipe(process.stdout);
task.stdin?.write("written by the second client\n");
await task.closeStdin();
console.log(`cat exited ${(await task.wait()).exitCode}`);
await task.delete();
await container.delete();
