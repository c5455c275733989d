// A test process of its own for the watchdog test: starts a busybox httpd service with startService,
// prints its id, session, address and host port as one JSON line, and then waits to be killed
// (`wait`), exits at once without stopping the service (`exit`), or stops it and exits (`stop`).
//   node --conditions=source --import tsx test/children/service-child.ts '<json>' wait|exit|stop
import { Client } from "../../src/index.js";
import { sessionId, startService, wait } from "../../src/testing/index.js";

const { address, fifoDir, namespace, stateDir, image } = JSON.parse(process.argv[2] ?? "{}");
const client = await Client.connect({ address, fifoDir, namespace, network: { stateDir } });
const service = await startService(client, {
  image,
  args: ["httpd", "-f", "-p", "80", "-h", "/"],
  ports: [80],
  wait: wait.forPort(80),
  startupTimeout: 60_000,
});
const say = (what: unknown) => process.stdout.write(`${JSON.stringify(what)}\n`);
say({ id: service.id, session: sessionId(), ip: service.ip, hostPort: service.port(80) });
if (process.argv[3] === "exit") process.exit(0);
if (process.argv[3] === "stop") {
  await service.stop();
  await client.close();
  process.exit(0);
}
setInterval(() => {}, 60_000); // until SIGKILL
