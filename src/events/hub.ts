import { isAbortError } from "abort-controller-x";
import createDebug from "debug";
import { UnavailableError } from "../errors/index.js";
import type {
  TaskDelete,
  TaskExit,
  TaskOOM,
} from "../gen/github.com/containerd/containerd/api/events/task.js";
import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import type { RawServices } from "../rpc/services.js";
import { decodeAny } from "../typeurl/index.js";
import { scopeFilters } from "./filters.js";
import { SyncMarker } from "./sync-marker.js";

const debug = createDebug("containerd-sdk:events");

/** @internal An exit as the hub routes it. */
export interface RoutedExit {
  pid: number;
  exitStatus: number;
  exitedAt: Date;
}

/** @internal The inbox of a live process handle. */
export interface ProcessSink {
  exit(exit: RoutedExit): void;
  oom?(): void;
  /** The client closed: pending waits can never resolve. */
  abandon(err: Error): void;
}

/** @internal Whether a container has a task, as far as this client has seen. */
export type TaskPresence = "none" | "present" | "unknown";

interface Stream {
  namespaces: ReadonlySet<string>;
  controller: AbortController;
  marker: SyncMarker;
  ready: Promise<void>;
  settle(err?: unknown): void;
}

const key = (...parts: string[]) => parts.join("\0");

/**
 * @internal One Events.Subscribe stream per client, shared by its namespace views. It routes
 * `/tasks/exit` and `/tasks/oom` to the handles of (namespace, container, exec id) and records
 * task create/delete per container, so no handle has to ask. Events of one container are routed
 * synchronously in stream order.
 */
export class EventHub {
  readonly #services: RawServices;
  readonly #namespaces = new Set<string>();
  readonly #sinks = new Map<string, Set<ProcessSink>>();
  readonly #presence = new Map<string, TaskPresence>();
  #stream: Stream | undefined;
  #closed = false;

  constructor(services: RawServices) {
    this.#services = services;
  }

  /** Resolves once a stream that carries `namespace`'s task events is live on the server. */
  ready(namespace: string): Promise<void> {
    if (this.#closed) return Promise.reject(new UnavailableError("containerd-sdk: the client is closed"));
    const current = this.#stream;
    if (current?.namespaces.has(namespace)) return current.ready;
    this.#namespaces.add(namespace);
    return this.#open(namespace).ready;
  }

  /** Routes the exits (and, for an init process, OOMs) of one process to `sink` until the returned function is called. */
  watch(namespace: string, containerId: string, execId: string, sink: ProcessSink): () => void {
    const k = key(namespace, containerId, execId);
    const sinks = this.#sinks.get(k) ?? new Set<ProcessSink>();
    this.#sinks.set(k, sinks);
    sinks.add(sink);
    return () => {
      sinks.delete(sink);
      if (sinks.size === 0 && this.#sinks.get(k) === sinks) this.#sinks.delete(k);
    };
  }

  /** What this client knows about a container's task. */
  taskPresence(namespace: string, containerId: string): TaskPresence {
    return this.#presence.get(key(namespace, containerId)) ?? "unknown";
  }

  /** Records what an operation of this client learned; events keep it current from then on. */
  setTaskPresence(namespace: string, containerId: string, presence: TaskPresence): void {
    this.#presence.set(key(namespace, containerId), presence);
  }

  /** Stops tracking a deleted container. */
  forget(namespace: string, containerId: string): void {
    this.#presence.delete(key(namespace, containerId));
  }

  /** Ends the stream and abandons every pending wait. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream?.controller.abort();
    this.#stream = undefined;
    const err = new UnavailableError("containerd-sdk: the client closed before the process exited");
    for (const sinks of this.#sinks.values()) for (const sink of sinks) sink.abandon(err);
    this.#sinks.clear();
    this.#presence.clear();
  }

  #open(publishNamespace: string): Stream {
    const previous = this.#stream;
    const namespaces = new Set(this.#namespaces);
    const marker = new SyncMarker();
    const controller = new AbortController();
    let settled = false;
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const ready = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Unhandled when nobody waits on a stream that failed; callers that wait see the rejection.
    ready.catch(() => {});
    const stream: Stream = {
      namespaces,
      controller,
      marker,
      ready,
      settle: (err) => {
        if (settled) return;
        settled = true;
        marker.stop();
        if (err === undefined) resolve();
        else reject(err);
      },
    };
    this.#stream = stream;
    const filters = [
      ...[...namespaces].flatMap((ns) => scopeFilters(ns, ['topic~="^/tasks/"'])),
      marker.filter,
    ];
    debug("subscribe %o", filters);
    void this.#pump(stream, filters, previous);
    marker.start(this.#services, publishNamespace, controller.signal, (err) => this.#fail(stream, err));
    return stream;
  }

  async #pump(stream: Stream, filters: string[], previous: Stream | undefined): Promise<void> {
    try {
      const envelopes = this.#services.events.subscribe({ filters }, { signal: stream.controller.signal });
      for await (const envelope of envelopes) {
        if (envelope.topic === stream.marker.topic) {
          debug("stream live for %o", [...stream.namespaces]);
          stream.settle();
          // The new stream carries everything the old one did: stop routing twice.
          if (previous) {
            previous.settle();
            previous.controller.abort();
            previous = undefined;
          }
          continue;
        }
        this.#route(envelope);
      }
      this.#fail(stream, new UnavailableError("containerd-sdk: containerd ended the event stream"));
    } catch (err) {
      this.#fail(stream, err);
    }
  }

  #fail(stream: Stream, err: unknown): void {
    if (stream.controller.signal.aborted && isAbortError(err)) return;
    debug("event stream failed: %s", err instanceof Error ? err.message : err);
    stream.controller.abort();
    stream.settle(err);
    if (this.#stream === stream) this.#stream = undefined;
  }

  #route(envelope: Envelope): void {
    if (!envelope.event) return;
    const ns = envelope.namespace;
    switch (envelope.topic) {
      case "/tasks/exit": {
        const e = decodeAny(envelope.event).value as TaskExit;
        const execId = e.id === e.containerId ? "" : e.id;
        const exit = { pid: e.pid, exitStatus: e.exitStatus, exitedAt: e.exitedAt ?? new Date(0) };
        for (const sink of this.#sinks.get(key(ns, e.containerId, execId)) ?? []) sink.exit(exit);
        break;
      }
      case "/tasks/oom": {
        const e = decodeAny(envelope.event).value as TaskOOM;
        for (const sink of this.#sinks.get(key(ns, e.containerId, "")) ?? []) sink.oom?.();
        break;
      }
      case "/tasks/create":
      case "/tasks/delete": {
        const e = decodeAny(envelope.event).value as TaskDelete;
        if (envelope.topic === "/tasks/delete" && e.id && e.id !== e.containerId) break;
        const k = key(ns, e.containerId);
        // Only containers this client handles are tracked, so the map does not grow with the daemon.
        if (this.#presence.has(k))
          this.#presence.set(k, envelope.topic === "/tasks/create" ? "present" : "none");
        break;
      }
    }
  }
}
