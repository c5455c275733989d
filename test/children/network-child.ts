// A client in a process of its own for the network tests. `serve <id>`: creates a container on the
// network named in the arguments with port 80 published, starts busybox httpd in it, prints its
// task's network as one JSON line and waits to be killed. `load <id>`: loads the container and its
// task, prints the task's network and host port 80, and exits.
import { Client } from "../../src/index.js";

const [json, mode, id] = process.argv.slice(2) as [string, "serve" | "load", string];
const { address, fifoDir, namespace, stateDir, resolvConf, rootfs, network } = JSON.parse(json);
const client = await Client.connect({ address, fifoDir, namespace, network: { stateDir, resolvConf } });
const say = (what: unknown) => process.stdout.write(`${JSON.stringify(what)}\n`);

if (mode === "serve") {
  const container = await client.containers.create(id, {
    rootfs,
    network: { name: network, ports: [{ containerPort: 80 }] },
    args: ["httpd", "-f", "-p", "80", "-h", "/www"],
  });
  const task = await container.newTask();
  await task.start();
  say(task.network);
  setInterval(() => {}, 60_000); // until SIGKILL
} else {
  const task = await (await client.containers.load(id)).task();
  say({ network: task.network, hostPort: task.hostPort(80) });
  await client.close();
}
