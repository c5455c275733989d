// A client that creates a container whose task logs (`log`), starts it and exits at once: the
// logs must be written with no client attached and read by another process.
//   node --conditions=source --import tsx test/children/logs-child.ts <address> <fifoDir> <namespace> <id> <rootfs> <script>
import { Client } from "../../src/index.js";

const [address, fifoDir, namespace, id, rootfs, script] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const client = await Client.connect({ address, fifoDir, namespace });
const container = await client.containers.create(id, { rootfs, args: ["/bin/sh", "-c", script] });
const task = await container.newTask({ log: true });
await task.start();
await client.close();
process.stdout.write(`started ${task.pid}\n`);
