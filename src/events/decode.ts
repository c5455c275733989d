import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { decodeAny } from "../typeurl/index.js";
import type { ContainerdEvent, EventPayloads, EventTopic } from "./event.js";

/** The type URL containerd 1.6 sends with each topic. */
const TYPE_URLS: Record<EventTopic, string> = {
  "/tasks/create": "containerd.events.TaskCreate",
  "/tasks/start": "containerd.events.TaskStart",
  "/tasks/exit": "containerd.events.TaskExit",
  "/tasks/delete": "containerd.events.TaskDelete",
  "/tasks/oom": "containerd.events.TaskOOM",
  "/tasks/exec-added": "containerd.events.TaskExecAdded",
  "/tasks/exec-started": "containerd.events.TaskExecStarted",
  "/tasks/paused": "containerd.events.TaskPaused",
  "/tasks/resumed": "containerd.events.TaskResumed",
  "/tasks/checkpointed": "containerd.events.TaskCheckpointed",
  "/containers/create": "containerd.events.ContainerCreate",
  "/containers/update": "containerd.events.ContainerUpdate",
  "/containers/delete": "containerd.events.ContainerDelete",
  "/images/create": "containerd.services.images.v1.ImageCreate",
  "/images/update": "containerd.services.images.v1.ImageUpdate",
  "/images/delete": "containerd.services.images.v1.ImageDelete",
  "/namespaces/create": "containerd.events.NamespaceCreate",
  "/namespaces/update": "containerd.events.NamespaceUpdate",
  "/namespaces/delete": "containerd.events.NamespaceDelete",
  "/snapshot/prepare": "containerd.events.SnapshotPrepare",
  "/snapshot/commit": "containerd.events.SnapshotCommit",
  "/snapshot/remove": "containerd.events.SnapshotRemove",
  "/content/delete": "containerd.events.ContentDelete",
};

const EPOCH = new Date(0);

/** Generated messages are plain already except for these: an unset time, mounts, the task IO. */
function toPayload(topic: EventTopic, value: Record<string, unknown>): EventPayloads[EventTopic] {
  const out: Record<string, unknown> = { ...value };
  if ("exitedAt" in out) out.exitedAt = out.exitedAt ?? EPOCH;
  if (topic === "/tasks/create") {
    const rootfs = (value.rootfs as { type: string; source: string; options: string[] }[]) ?? [];
    out.rootfs = rootfs.map(({ type, source, options }) => ({ type, source, options }));
    out.io = value.io ?? { stdin: "", stdout: "", stderr: "", terminal: false };
  }
  if (topic === "/containers/create") {
    const runtime = value.runtime as { name: string; options?: unknown } | undefined;
    out.runtime = runtime?.options
      ? { name: runtime.name, options: runtime.options }
      : { name: runtime?.name ?? "" };
  }
  return out as unknown as EventPayloads[EventTopic];
}

/** @internal An Envelope off the wire as a typed ContainerdEvent; never throws. */
export function decodeEnvelope(envelope: Envelope): ContainerdEvent {
  const base = { timestamp: envelope.timestamp ?? EPOCH, namespace: envelope.namespace };
  const any = envelope.event ?? { typeUrl: "", value: new Uint8Array() };
  let decoded: { typeUrl: string; value: unknown };
  try {
    decoded = decodeAny(any);
  } catch {
    decoded = { typeUrl: any.typeUrl, value: any.value };
  }
  const topic = envelope.topic as EventTopic;
  const known = Object.hasOwn(TYPE_URLS, topic) && TYPE_URLS[topic] === decoded.typeUrl;
  if (!known || decoded.value instanceof Uint8Array) {
    return {
      ...base,
      topic: "unknown",
      originalTopic: envelope.topic,
      typeUrl: decoded.typeUrl,
      event: decoded.value,
    };
  }
  const event = toPayload(topic, decoded.value as Record<string, unknown>);
  return { ...base, topic, typeUrl: decoded.typeUrl, event } as ContainerdEvent;
}
