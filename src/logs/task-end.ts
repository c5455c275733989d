import { isNotFound } from "../errors/index.js";
import type { RawServices } from "../rpc/services.js";
import { toProcessState } from "../runtime/process-status.js";
import { debug } from "./log.js";

/** @internal The part of the client's event hub a follower uses (structural: logs/ sits above events/). */
export interface ContainerEventSource {
  watchContainer(
    namespace: string,
    containerId: string,
    listener: (event: { topic: string; event: unknown }) => void,
  ): () => void;
  ready(namespace: string, options?: { signal?: AbortSignal }): Promise<void>;
}

/** @internal What a follower needs to know when a container's task ends. */
export interface TaskSource {
  hub: ContainerEventSource;
  services: RawServices;
  namespace: string;
  id: string;
}

function endsTask(id: string, ev: { topic: string; event: unknown }): boolean {
  const e = ev.event as { id?: string; containerId?: string };
  // An exec's exit carries its exec id; the task's own, the container id (or nothing).
  return (ev.topic === "/tasks/exit" || ev.topic === "/tasks/delete") && (!e.id || e.id === id);
}

/**
 * @internal Resolves when the container's task has exited: at once when it has none or it has
 * stopped, else at its exit event (the subscription is live before the task is asked about, so an
 * exit in between is not missed). Never rejects; an abort resolves it too.
 */
export async function taskEnded(source: TaskSource, signal: AbortSignal): Promise<void> {
  const { hub, services, namespace, id } = source;
  let ended!: () => void;
  const done = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const unwatch = hub.watchContainer(namespace, id, (ev) => endsTask(id, ev) && ended());
  const onAbort = () => ended();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await hub.ready(namespace, { signal });
    const res = await services.tasks.get({ containerId: id, execId: "" }, { namespace, signal });
    const state = res.process ? toProcessState(res.process.status) : "stopped";
    if (state === "stopped" || state === "unknown") ended();
  } catch (err) {
    // Other failures (containerd restarting) leave the event, the end record or an abort to end it.
    if (isNotFound(err)) ended();
    else debug("task %s/%s: %s", namespace, id, (err as Error).message);
  }
  try {
    await done;
  } finally {
    unwatch();
    signal.removeEventListener("abort", onAbort);
  }
}
