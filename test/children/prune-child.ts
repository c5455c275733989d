// A client that dies with work in flight, for the prune tests: `<config> <id>` creates a container
// from config.image (so it has a snapshot) labelled run=<config.run> on the default network with port 80 published, starts `sleep` in it
// with its output logged, prints "started" and waits to be SIGKILLed.
import { Client } from "../../src/index.js";

const [json, id] = process.argv.slice(2) as [string, string];
const { address, fifoDir, namespace, stateDir, image, run } = JSON.parse(json);
const client = await Client.connect({ address, fifoDir, namespace, network: { stateDir } });
const container = await client.containers.create(id, {
  image,
  labels: { run },
  network: { name: "bridge", ports: [{ containerPort: 80 }] },
  args: ["/bin/sh", "-c", "echo up; exec sleep 1000"],
});
const task = await container.newTask({ log: true });
await task.start();
process.stdout.write("started\n");
setInterval(() => {}, 60_000); // until SIGKILL
