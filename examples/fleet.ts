// An orchestrator's view of a fleet: one process holding a client per node's containerd, running
// a container on each and listing what every node has. Here the "nodes" are three private daemons
// on this machine, one of them reached only over TCP with mutual TLS (as a remote node would be):
//   npm run example -- examples/fleet.ts
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "containerd-sdk";
import { type ContainerdInstance, startContainerd } from "containerd-sdk/testing";

interface Node {
  name: string;
  daemon: ContainerdInstance;
  client: Client;
  /** A remote node cannot share FIFOs with us: its output goes to a log file on its host. */
  remote: boolean;
}

const daemons = await Promise.all([
  startContainerd({ namespace: "fleet" }),
  startContainerd({ namespace: "fleet" }),
  startContainerd({ namespace: "fleet", tls: true }),
]);
const nodes: Node[] = [];
try {
  for (const [i, daemon] of daemons.entries()) {
    const remote = daemon.tcpAddress !== undefined;
    const client = remote
      ? await Client.connect({ address: daemon.tcpAddress, tls: daemon.tls, namespace: "fleet" })
      : await Client.connect({ address: daemon.address, namespace: "fleet", fifoDir: daemon.fifoDir });
    nodes.push({ name: `node-${i + 1}`, daemon, client, remote });
  }

  // The same workload on every node at once.
  await Promise.all(
    nodes.map(async ({ name, daemon, client, remote }) => {
      const rootfs = await daemon.rootfs();
      const args = ["/bin/sh", "-c", `echo hello from ${name}; exit ${nodes.length}`];
      if (!remote) {
        const { exitCode, stdout } = await client.run({ id: `job-${name}`, rootfs, args });
        console.log(`${name} (${client.address}): exit ${exitCode}, said ${JSON.stringify(stdout.trim())}`);
        return;
      }
      // Remote: FIFO stdio would be refused, so the output goes to a file on the node's host.
      const logPath = join(daemon.dir, "job.log");
      const container = await client.containers.create(`job-${name}`, { rootfs, args });
      const task = await container.newTask({ logPath });
      await task.start();
      const { exitCode } = await task.wait();
      await task.delete();
      await container.delete();
      const said = (await readFile(logPath, "utf8")).trim();
      console.log(
        `${name} (${client.address}, mutual TLS): exit ${exitCode}, logged ${JSON.stringify(said)}`,
      );
    }),
  );

  // A long-running container on each node, then the fleet's inventory.
  for (const { client, daemon, name } of nodes) {
    const c = await client.containers.create(`web-${name}`, {
      rootfs: await daemon.rootfs(),
      args: ["/bin/sleep", "600"],
    });
    await (await c.newTask()).start();
  }
  for (const { client, name } of nodes) {
    const { version } = await client.version();
    const containers = await client.containers.list();
    const rows = await Promise.all(
      containers.map(async (c) => `${c.id}: ${(await (await c.task()).status()).status}`),
    );
    console.log(`${name} runs containerd ${version}: ${rows.join(", ")}`);
  }
  for (const { client } of nodes) {
    for (const c of await client.containers.list()) {
      await (await c.task()).delete({ force: true });
      await c.delete();
    }
  }
} finally {
  for (const { client } of nodes) await client.close();
  await Promise.all(daemons.map((d) => d.stop()));
}
