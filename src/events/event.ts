/** How a process ended, as containerd reported it. */
export interface ExitStatus {
  /** The exit code; 128+N when the process died of signal N. */
  exitCode: number;
  /** When the process exited. */
  exitedAt: Date;
}

/** A mount as task events carry it. */
export interface EventMount {
  type: string;
  source: string;
  options: string[];
}

/** The payload of each containerd 1.6 event, by topic. Field names follow containerd's protos. */
export interface EventPayloads {
  "/tasks/create": {
    containerId: string;
    bundle: string;
    rootfs: EventMount[];
    io: { stdin: string; stdout: string; stderr: string; terminal: boolean };
    checkpoint: string;
    pid: number;
  };
  "/tasks/start": { containerId: string; pid: number };
  /** `id` is the exec id, or the container id for the task's init process. */
  "/tasks/exit": { containerId: string; id: string; pid: number; exitStatus: number; exitedAt: Date };
  /** `id` is the exec id; empty or the container id for the task itself. */
  "/tasks/delete": { containerId: string; id: string; pid: number; exitStatus: number; exitedAt: Date };
  "/tasks/oom": { containerId: string };
  "/tasks/exec-added": { containerId: string; execId: string };
  "/tasks/exec-started": { containerId: string; execId: string; pid: number };
  "/tasks/paused": { containerId: string };
  "/tasks/resumed": { containerId: string };
  "/tasks/checkpointed": { containerId: string; checkpoint: string };
  /** `runtime.options` stays encoded (type URL and bytes): it is the runtime's own message. */
  "/containers/create": {
    id: string;
    image: string;
    runtime: { name: string; options?: { typeUrl: string; value: Uint8Array } };
  };
  "/containers/update": { id: string; image: string; labels: Record<string, string>; snapshotKey: string };
  "/containers/delete": { id: string };
  "/images/create": { name: string; labels: Record<string, string> };
  "/images/update": { name: string; labels: Record<string, string> };
  "/images/delete": { name: string };
  "/namespaces/create": { name: string; labels: Record<string, string> };
  "/namespaces/update": { name: string; labels: Record<string, string> };
  "/namespaces/delete": { name: string };
  "/snapshot/prepare": { key: string; parent: string };
  "/snapshot/commit": { key: string; name: string };
  "/snapshot/remove": { key: string };
  "/content/delete": { digest: string };
}

/** Every topic containerd 1.6 publishes. */
export type EventTopic = keyof EventPayloads;

/** What every event has. */
export interface EventBase {
  /** When containerd published it. */
  timestamp: Date;
  /** The namespace it happened in. */
  namespace: string;
  /** The payload's type URL, e.g. `containerd.events.TaskExit`. */
  typeUrl: string;
}

/** A known event: `topic` narrows `event` to its payload. */
export type KnownEvent = {
  [T in EventTopic]: EventBase & { topic: T; event: EventPayloads[T] };
}[EventTopic];

/**
 * An event the SDK cannot decode (a custom `Publish`, or a type a newer containerd added): its
 * topic is `"unknown"`, so a `switch (ev.topic)` stays exhaustive; the real topic is `originalTopic`.
 */
export interface UnknownEvent extends EventBase {
  topic: "unknown";
  /** The topic containerd sent. */
  originalTopic: string;
  /** The payload as sent: protobuf bytes, or the decoded object when the type is known but the topic is not. */
  event: unknown;
}

/** One event from containerd's event stream, decoded; switch on `topic`. */
export type ContainerdEvent = KnownEvent | UnknownEvent;
