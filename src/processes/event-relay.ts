import type { EventEmitter } from "node:events";
import type { ContainerdEvent, ExitStatus } from "../events/event.js";
import type { ProcessRecord } from "../events/process-record.js";
import type { ProcessRef } from "./lifecycle.js";

/** Events a process handle emits. Listening costs a hub entry only while a listener is attached. */
export interface ProcessEvents {
  /** The process exited; emitted once. */
  exit: [status: ExitStatus];
  /** The container hit its memory limit. */
  oom: [];
  /** The task (and so every process in it) was paused. */
  paused: [];
  /** The task was resumed. */
  resumed: [];
  /** A process started: for a Task any exec in it, for a Process itself. */
  "exec-started": [info: { execId: string; pid: number }];
}

/** Handle events that come from the container's events rather than the process's exit. */
const CONTAINER_EVENTS = new Set<string | symbol>(["oom", "paused", "resumed", "exec-started"]);

/**
 * @internal Relays the hub's news of one process to its handle, subscribed to the hub only while
 * the handle has listeners for it, so idle handles cost nothing there.
 */
export class ProcessEventRelay {
  readonly #handle: EventEmitter<ProcessEvents>;
  readonly #record: ProcessRecord;
  readonly #ref: ProcessRef;
  /** The hub subscriptions held now, each by the function that ends it. */
  readonly #held: { exit?: () => void; container?: () => void } = {};

  constructor(handle: EventEmitter<ProcessEvents>, record: ProcessRecord, ref: ProcessRef) {
    this.#handle = handle;
    this.#record = record;
    this.#ref = ref;
    const plain = handle as unknown as EventEmitter;
    plain.on("newListener", (name: string | symbol) => this.#listening(name, true));
    plain.on("removeListener", (name: string | symbol) => this.#listening(name, false));
  }

  /** Ends every hub subscription (the process is deleted). */
  stop(): void {
    this.#end("exit");
    this.#end("container");
  }

  // "newListener" comes before the listener is added, "removeListener" after it is removed.
  #listening(name: string | symbol, added: boolean): void {
    if (name === "exit") this.#listeningForExit(added);
    else if (CONTAINER_EVENTS.has(name)) this.#listeningForContainer(added);
  }

  #listeningForExit(added: boolean): void {
    if (!added) {
      if (this.#handle.listenerCount("exit") === 0) this.#end("exit");
    } else if (!this.#held.exit && !this.#record.settled) {
      this.#held.exit = this.#record.listen((status) => {
        this.#held.exit = undefined;
        this.#handle.emit("exit", status);
      });
    }
  }

  #listeningForContainer(added: boolean): void {
    const { ctx, containerId } = this.#ref;
    if (added) {
      this.#held.container ??= ctx.hub.watchContainer(ctx.namespace, containerId, (ev) => this.#relay(ev));
      return;
    }
    let count = 0;
    for (const n of CONTAINER_EVENTS) count += this.#handle.listenerCount(n as keyof ProcessEvents);
    if (count === 0) this.#end("container");
  }

  #end(which: "exit" | "container"): void {
    this.#held[which]?.();
    this.#held[which] = undefined;
  }

  #relay(ev: ContainerdEvent): void {
    const handle = this.#handle;
    switch (ev.topic) {
      case "/tasks/oom":
        handle.emit("oom");
        break;
      case "/tasks/paused":
        handle.emit("paused");
        break;
      case "/tasks/resumed":
        handle.emit("resumed");
        break;
      case "/tasks/exec-started":
        if (this.#ref.execId === "" || ev.event.execId === this.#ref.execId) {
          handle.emit("exec-started", { execId: ev.event.execId, pid: ev.event.pid });
        }
        break;
    }
  }
}
