import { EventEmitter, setMaxListeners } from "node:events";
import createDebug from "debug";
import { UnavailableError } from "../errors/index.js";
import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import type { RawServices } from "../rpc/services.js";
import type { ProcessRecord } from "./process-record.js";
import { reconcile } from "./reconcile.js";
import { type ContainerListener, Router, type TaskPresence } from "./router.js";
import { EventStream, type ReadyOptions } from "./stream.js";
import { realTimers, type Timers } from "./timers.js";

const debug = createDebug("containerd-sdk:events");

/** What `client.on("disconnect")` passes. */
export interface DisconnectInfo {
  /** Why the event stream broke. */
  error: Error;
}

/** What `client.on("reconnect")` passes. */
export interface ReconnectInfo {
  /** How many waiting processes were checked with Tasks.Get. */
  reconciled: number;
}

/** The events a Client emits about its connection. */
export interface ClientEvents {
  /** The event stream broke (usually containerd stopped); the SDK reconnects with backoff. */
  disconnect: [info: DisconnectInfo];
  /** The event stream is live again and waiting processes were reconciled. */
  reconnect: [info: ReconnectInfo];
}

/**
 * One Events.Subscribe stream per client, shared by its namespace views: the
 * {@link EventStream} keeps it live, the {@link Router} routes its events to handles, and
 * {@link reconcile} catches up after an outage.
 */
export class EventHub extends EventEmitter<ClientEvents> {
  readonly #services: RawServices;
  readonly #router: Router;
  readonly #stream: EventStream;
  readonly #closed = new AbortController();

  /**
   * @param services - Events.Subscribe and Publish carry the stream, Tasks.Get reconciles.
   * @param timers - Node's timers; a seam for unit tests, which pass a virtual clock.
   */
  constructor(services: RawServices, timers: Timers = realTimers) {
    super();
    // Every handle holding FIFOs listens for the close; thousands are expected, not a leak.
    setMaxListeners(0, this.#closed.signal);
    this.#services = services;
    this.#router = new Router(timers);
    this.#stream = new EventStream(services, timers, {
      route: (envelope: Envelope) => this.#router.route(envelope),
      needed: () => this.#router.watching,
      down: (err) => this.#down(err),
      reconnected: () => void this.#reconnected(),
    });
  }

  /** @internal Entries held for handles (process records, container listeners, presence). */
  get size(): number {
    return this.#router.size;
  }

  /** Aborted when the client closes; handles holding FIFOs listen to let go of them. */
  get closeSignal(): AbortSignal {
    return this.#closed.signal;
  }

  /** Resolves once a stream that carries `namespace`'s task events is live on the server. */
  ready(namespace: string, options?: ReadyOptions): Promise<void> {
    return this.#stream.ready(namespace, options);
  }

  /** The shared record of one process; its exit arrives on the stream (opened if needed). */
  track(namespace: string, containerId: string, execId: string, pid?: number): ProcessRecord {
    this.#stream.want(namespace);
    return this.#router.track(namespace, containerId, execId, pid);
  }

  /** Drops a record whose process was deleted. */
  release(record: ProcessRecord): void {
    this.#router.release(record);
  }

  /** Routes one container's events to `listener` until the returned function is called. */
  watchContainer(namespace: string, containerId: string, listener: ContainerListener): () => void {
    this.#stream.want(namespace);
    return this.#router.watchContainer(namespace, containerId, listener);
  }

  /** Take before an RPC whose result `setTaskPresence` records afterwards. */
  presenceToken(namespace: string): number | undefined {
    return this.#stream.liveToken(namespace);
  }

  /** What this client knows about a container's task. */
  taskPresence(namespace: string, containerId: string): TaskPresence {
    return this.#router.presence(namespace, containerId);
  }

  /**
   * Records what an operation learned, if the stream was live for the whole operation (`token`
   * from before it is still current); events keep it current from then on.
   */
  setTaskPresence(
    namespace: string,
    containerId: string,
    presence: TaskPresence,
    token: number | undefined,
  ): void {
    if (token === undefined || token !== this.#stream.liveToken(namespace)) {
      this.#router.forget(namespace, containerId);
      return;
    }
    this.#router.setPresence(namespace, containerId, presence);
  }

  /** Stops tracking a deleted container. */
  forget(namespace: string, containerId: string): void {
    this.#router.forget(namespace, containerId);
  }

  /** Ends the stream and every timer, and fails every pending wait. Idempotent. */
  close(): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    this.#stream.close();
    this.#router.clear(new UnavailableError("containerd-sdk: the client closed before the process exited"));
    this.removeAllListeners();
  }

  #down(err: unknown): void {
    this.#router.resetPresence();
    const error = err instanceof Error ? err : new Error(String(err));
    debug("disconnected: %s", error.message);
    this.emit("disconnect", { error });
  }

  async #reconnected(): Promise<void> {
    const records = this.#router.records().filter((r) => !r.settled);
    debug("reconnected; reconciling %d processes", records.length);
    await reconcile(this.#services, records, this.#closed.signal);
    if (this.#closed.signal.aborted) return;
    this.emit("reconnect", { reconciled: records.length });
  }
}
