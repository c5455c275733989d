import createDebug from "debug";
import { NotFoundError } from "../errors/index.js";
import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { causeOf } from "../rpc/operation.js";
import { decodeEnvelope } from "./decode.js";
import type { ContainerdEvent } from "./event.js";
import { ProcessRecord } from "./process-record.js";
import type { Timers } from "./timers.js";

const debug = createDebug("containerd-sdk:events");

/** Whether a container has a task, as far as this client has seen. */
export type TaskPresence = "none" | "present" | "unknown";

/** Receives the events of one container (task events and `/containers/delete`). */
export type ContainerListener = (event: ContainerdEvent) => void;

/** How long an exec may still report its exit after its task was deleted (exits are forwarded by the shim). */
const EXEC_EXIT_GRACE_MS = 2_000;

const key = (...parts: string[]) => parts.join("\0");

/**
 * @internal Routes decoded events to what the client's handles registered: exits to process
 * records by (namespace, container, exec id, pid), container events to container listeners, and
 * task create/delete to the presence map. Synchronous, in stream order.
 */
export class Router {
  readonly #records = new Map<string, Set<ProcessRecord>>();
  readonly #containers = new Map<string, Set<ContainerListener>>();
  readonly #presence = new Map<string, TaskPresence>();
  readonly #graceTimers = new Set<unknown>();
  readonly #timers: Timers;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** Entries held: process records, container listeners, presence records. */
  get size(): number {
    let n = this.#presence.size;
    for (const set of this.#records.values()) n += set.size;
    for (const set of this.#containers.values()) n += set.size;
    return n;
  }

  /** Whether any handle waits for something the stream delivers. */
  get watching(): boolean {
    return this.#records.size > 0 || this.#containers.size > 0;
  }

  /** Every unsettled record (for reconciliation and close). */
  records(): ProcessRecord[] {
    return [...this.#records.values()].flatMap((set) => [...set]);
  }

  /**
   * The record of a process: the one already held for the same pid, or a new one. A record is
   * dropped once settled.
   */
  track(namespace: string, containerId: string, execId: string, pid?: number): ProcessRecord {
    const k = key(namespace, containerId, execId);
    const set = this.#records.get(k) ?? new Set<ProcessRecord>();
    if (pid !== undefined) for (const r of set) if (r.pid === pid) return r;
    const record = new ProcessRecord(namespace, containerId, execId, pid);
    record.onSettled = () => this.release(record);
    set.add(record);
    this.#records.set(k, set);
    return record;
  }

  /** Drops a record (its process was deleted or its exit reported). */
  release(record: ProcessRecord): void {
    const k = key(record.namespace, record.containerId, record.execId);
    const set = this.#records.get(k);
    if (!set?.delete(record)) return;
    if (set.size === 0) this.#records.delete(k);
  }

  /** Calls `listener` with the events of one container until the returned function runs. */
  watchContainer(namespace: string, containerId: string, listener: ContainerListener): () => void {
    const k = key(namespace, containerId);
    const set = this.#containers.get(k) ?? new Set<ContainerListener>();
    this.#containers.set(k, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#containers.get(k) === set) this.#containers.delete(k);
    };
  }

  presence(namespace: string, containerId: string): TaskPresence {
    return this.#presence.get(key(namespace, containerId)) ?? "unknown";
  }

  setPresence(namespace: string, containerId: string, presence: TaskPresence): void {
    this.#presence.set(key(namespace, containerId), presence);
  }

  forget(namespace: string, containerId: string): void {
    this.#presence.delete(key(namespace, containerId));
  }

  /** The stream was not live: nothing known about tasks can be trusted. */
  resetPresence(): void {
    this.#presence.clear();
  }

  /** Fails every unsettled record with `err` and drops all entries. */
  clear(err: unknown): void {
    for (const record of this.records()) record.fail(err);
    this.#records.clear();
    this.#containers.clear();
    this.#presence.clear();
    for (const timer of this.#graceTimers) this.#timers.clearTimeout(timer);
    this.#graceTimers.clear();
  }

  route(envelope: Envelope): void {
    const event = decodeEnvelope(envelope);
    const ns = event.namespace;
    switch (event.topic) {
      case "/tasks/exit": {
        const e = event.event;
        const execId = e.id === e.containerId ? "" : e.id;
        const exit = { pid: e.pid, exitStatus: e.exitStatus, exitedAt: e.exitedAt };
        let taken = false;
        for (const r of [...(this.#records.get(key(ns, e.containerId, execId)) ?? [])])
          taken = r.offer(exit) || taken;
        // Guarded: the arguments (causeOf builds a string) would be computed for a log that is off.
        if (debug.enabled)
          debug(
            "%s exit %s/%s%s pid=%d code=%d%s",
            causeOf(ns, e.containerId),
            ns,
            e.containerId,
            execId ? `/${execId}` : "",
            e.pid,
            e.exitStatus,
            taken ? " -> handle" : "",
          );
        break;
      }
      case "/tasks/create":
        this.#setIfTracked(ns, event.event.containerId, "present");
        break;
      case "/tasks/delete": {
        const e = event.event;
        if (e.id && e.id !== e.containerId) break;
        this.#setIfTracked(ns, e.containerId, "none");
        this.#taskDeleted(ns, e.containerId, e);
        break;
      }
    }
    if (debug.enabled && event.topic !== "/tasks/exit" && event.topic !== "unknown") {
      const id = "containerId" in event.event ? event.event.containerId : event.event;
      if (typeof id === "string") debug("%s %s %s/%s", causeOf(ns, id), event.topic, ns, id);
    }
    const containerId =
      event.topic === "/containers/delete"
        ? event.event.id
        : event.topic !== "unknown" && "containerId" in event.event
          ? event.event.containerId
          : undefined;
    if (containerId === undefined) return;
    for (const listener of [...(this.#containers.get(key(ns, containerId)) ?? [])]) listener(event);
  }

  #setIfTracked(ns: string, containerId: string, presence: TaskPresence): void {
    const k = key(ns, containerId);
    // Only containers this client handles are tracked, so the map does not grow with the daemon.
    if (this.#presence.has(k)) this.#presence.set(k, presence);
  }

  /**
   * The task is gone: its init record takes the status containerd reported with the delete (after
   * a shim death that is the only report). Its execs get a short grace for exits still in flight,
   * then fail: containerd keeps no status for them any more.
   */
  #taskDeleted(
    ns: string,
    containerId: string,
    e: { pid: number; exitStatus: number; exitedAt: Date },
  ): void {
    for (const r of [...(this.#records.get(key(ns, containerId, "")) ?? [])]) {
      if (!r.offer({ pid: e.pid, exitStatus: e.exitStatus, exitedAt: e.exitedAt }) && r.pid !== undefined) {
        r.fail(
          new NotFoundError(
            `task "${containerId}" in namespace "${ns}" was deleted before its exit was seen`,
          ),
        );
      }
    }
    const prefix = key(ns, containerId, "");
    const execs = [...this.#records.entries()]
      .filter(([k]) => k.startsWith(prefix) && k !== prefix)
      .flatMap(([, set]) => [...set]);
    if (execs.length === 0) return;
    const timer = this.#timers.setTimeout(() => {
      this.#graceTimers.delete(timer);
      for (const r of execs) {
        r.fail(
          new NotFoundError(
            `process "${r.execId}" of task "${containerId}" in namespace "${ns}" is gone; containerd reported no exit for it`,
          ),
        );
      }
    }, EXEC_EXIT_GRACE_MS);
    this.#graceTimers.add(timer);
  }
}
