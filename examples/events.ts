// Prints a live, readable event log of one namespace while a short workload runs in it, and the
// client's disconnect/reconnect notices. With no $CONTAINERD_ADDRESS it starts a private
// containerd (the harness in containerd-sdk/testing) and runs the workload there; with one, it
// only watches (Ctrl-C to stop).
import { Client, type ContainerdEvent } from "containerd-sdk";
import { startContainerd } from "containerd-sdk/testing";

const address = process.env.CONTAINERD_ADDRESS;
await using daemon = address ? undefined : await startContainerd({ namespace: "example" });
await using client = address
  ? await Client.connect({ address })
  : await Client.connect({ address: daemon?.address, namespace: "example", fifoDir: daemon?.fifoDir });

/** One line per event: time, topic and the fields that matter for it. */
function describe(ev: ContainerdEvent): string {
  const time = ev.timestamp.toISOString().slice(11, 23);
  switch (ev.topic) {
    case "/tasks/create":
    case "/tasks/start":
      return `${time} ${ev.topic} ${ev.event.containerId} pid=${ev.event.pid}`;
    case "/tasks/exit":
      return `${time} ${ev.topic} ${ev.event.containerId}${ev.event.id !== ev.event.containerId ? `/${ev.event.id}` : ""} pid=${ev.event.pid} code=${ev.event.exitStatus}`;
    case "/tasks/delete":
      return `${time} ${ev.topic} ${ev.event.containerId} code=${ev.event.exitStatus}`;
    case "/tasks/exec-added":
    case "/tasks/exec-started":
      return `${time} ${ev.topic} ${ev.event.containerId}/${ev.event.execId}`;
    case "/containers/create":
    case "/containers/update":
    case "/containers/delete":
      return `${time} ${ev.topic} ${ev.event.id}`;
    case "unknown":
      return `${time} ${ev.originalTopic} (${ev.typeUrl})`;
    default:
      return `${time} ${ev.topic} ${JSON.stringify(ev.event)}`;
  }
}

client.on("disconnect", ({ error }) => console.log(`-- event stream lost: ${error.message}`));
client.on("reconnect", ({ reconciled }) =>
  console.log(`-- event stream back (${reconciled} processes checked)`),
);

const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
const log = (async () => {
  try {
    for await (const ev of client.events.subscribe({ signal: stop.signal })) {
      console.log(describe(ev));
      // The workload's last event: the log is complete.
      if (daemon && ev.topic === "/containers/delete" && ev.event.id === "demo") return;
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
})();

if (daemon) {
  // A small workload: a container whose task execs once and exits with 3.
  const rootfs = await daemon.rootfs();
  const container = await client.containers.create("demo", {
    rootfs,
    args: ["/bin/sh", "-c", "sleep 0.3; exit 3"],
  });
  const task = await container.newTask();
  await task.start();
  const result = await task.run(["/bin/echo", "hello"]);
  console.log(`-- exec said ${JSON.stringify(result.stdout)}`);
  const status = await task.wait();
  await task.delete();
  await container.delete();
  console.log(`-- task exited with ${status.exitCode}`);
}
await log;
