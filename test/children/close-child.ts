// A client in a process of its own, driven by its parent over stdin/stdout, that must let Node
// exit by itself after close(): no timer, socket or listener may be left behind.
import { createInterface } from "node:readline";
import { Client } from "../../src/index.js";

const [address, fifoDir, mode] = process.argv.slice(2) as [string, string, string];
const lines = createInterface({ input: process.stdin });
const next = (() => {
  const queue: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  lines.on("line", (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  return () =>
    new Promise<string>((resolve) => {
      const l = queue.shift();
      if (l !== undefined) resolve(l);
      else waiters.push(resolve);
    });
})();
const say = (what: string) => process.stdout.write(`${what}\n`);

const client = await Client.connect({ address, fifoDir, namespace: "child" });
const rootfs = await next();
const container = await client.containers.create(`close-${process.pid}`, {
  rootfs,
  args: ["/bin/sleep", "1000"],
});
client.on("disconnect", () => say("disconnected"));
client.on("reconnect", () => say("reconnected"));
const pending: Promise<unknown>[] = [];
if (mode === "opening") {
  // The stream opens for a new namespace while the daemon is frozen: its marker never returns.
  say("ready");
  await next(); // frozen
  pending.push(client.withNamespace("child-2").containers.load("nothing"));
  pending.push(container.task());
} else {
  const task = await container.newTask({ stdio: "pipe" });
  await task.start();
  pending.push(task.wait());
  say(`task ${task.pid}`);
  say("ready");
  await next(); // the parent has taken the daemon down or frozen it
}
await client.close();
const outcomes = await Promise.allSettled(pending);
say(`settled ${outcomes.map((o) => o.status).join(",")}`);
lines.close();
process.stdin.unref();
