import { randomBytes } from "node:crypto";
import { isAbsolute } from "node:path";
import pLimit from "p-limit";
import { checkOptions, type OperationOptions, optionsObject, rawOptions } from "./base/call-options.js";
import { withDeadline } from "./base/deadline.js";
import { assertIdentifier } from "./base/identifiers.js";
import { checkOptionKeys, OPERATION_OPTION_KEYS, optionKeys } from "./base/option-keys.js";
import { checkString, invalid, isRecord } from "./base/validate.js";
import { type Container, Containers } from "./container.js";
import type { CreateContainerOptions } from "./containers/create-options.js";
import { checkClientNetworkOptions, containerExists } from "./containers/network.js";
import type { PruneOptions, PruneResult } from "./containers/prune-options.js";
import { UnavailableError } from "./errors/index.js";
import { Events } from "./events/events.js";
import { type ClientEvents, EventHub } from "./events/hub.js";
import { HealthCheckResponse_ServingStatus } from "./gen/grpc/health/v1/health.js";
import { Content } from "./images/content.js";
import { Images } from "./images/images.js";
import { Leases, type WithLeaseOptions } from "./images/leases.js";
import { DEFAULT_SNAPSHOTTER, Snapshotter } from "./images/snapshots.js";
import { Introspection } from "./introspection/introspection.js";
import { FifoPool } from "./io/fifo-pool.js";
import { collectOutput, type RunIOOptions, type RunResult, runStdio } from "./io/run-result.js";
import { sweepLogs } from "./logs/sweep.js";
import { Namespaces } from "./namespaces/namespaces.js";
import { Networks, type NetworksOptions } from "./network/index.js";
import { Connection } from "./rpc/connection.js";
import { inOperation } from "./rpc/operation.js";
import type { RawServices } from "./rpc/services.js";
import type { TlsOptions } from "./rpc/tls.js";
import type { Transport } from "./rpc/transport.js";
import { unreachable } from "./rpc/unreachable.js";

/** How `Client.connect` finds containerd. */
export interface ConnectOptions {
  /**
   * Socket path, `unix:///abs/path`, or `tcp://host:port` for a containerd serving gRPC on TCP
   * (`[grpc] tcp_address`). Default: `$CONTAINERD_ADDRESS`, else `/run/containerd/containerd.sock`.
   */
  address?: string;
  /**
   * Mutual TLS for a `tcp://` address (`[grpc] tcp_tls_ca`, `tcp_tls_cert`, `tcp_tls_key`). A
   * client on TCP is remote: stdio that needs FIFOs on this host is refused; use `logPath`,
   * `logBinary` or `"ignore"`.
   */
  tls?: TlsOptions;
  /** Namespace for namespaced calls. Default: `$CONTAINERD_NAMESPACE`, else `"default"`. */
  namespace?: string;
  /** Milliseconds to wait for the daemon to answer before UnavailableError. Default 10000. */
  timeout?: number;
  /** Aborting gives up connecting with an AbortError. */
  signal?: AbortSignal;
  /**
   * Where per-process FIFO directories are made (0700 each). Default `/run/containerd/fifo`, as
   * containerd's own clients; the daemon's shim must be able to open them (same host). Once a
   * process is piped, the client keeps FIFOs made ahead in a `.pool-…` directory there, removed by
   * `close()`.
   */
  fifoDir?: string;
  /**
   * Where `client.networks` keeps its state and which addresses and ports it may take; default the
   * host's (`/var/lib/containerd-sdk/cni`). Its `namespace` and `isAlive` are the view's own.
   */
  network?: Omit<NetworksOptions, "namespace" | "isAlive">;
  /**
   * How gRPC is spoken: `"http2"`, a lean channel on `node:http2` (less CPU per call; unix sockets,
   * a `tcp://` address always takes grpc-js), or `"grpc-js"`, grpc-js's own channel.
   * Default: `$CONTAINERD_SDK_TRANSPORT`, else `"http2"`.
   */
  transport?: Transport;
}

/** What `client.run` takes: a container's options, `input` for its stdin and the `encoding` of its output. */
export interface RunContainerOptions extends CreateContainerOptions, RunIOOptions {
  /** The container id; default a random `run-…` one. */
  id?: string;
}

/** containerd's default FIFO directory for client stdio. */
export const DEFAULT_FIFO_DIR = "/run/containerd/fifo";

/** What `version()` reports about the daemon. */
export interface VersionInfo {
  version: string;
  revision: string;
}

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const CONNECT_KEYS = optionKeys<ConnectOptions>()([
  ...OPERATION_OPTION_KEYS,
  "address",
  "tls",
  "namespace",
  "fifoDir",
  "network",
  "transport",
]);
const TRANSPORTS: readonly Transport[] = ["grpc-js", "http2"];
const TLS_KEYS = optionKeys<TlsOptions>()(["ca", "cert", "key", "serverName"]);
const PRUNE_KEYS = optionKeys<PruneOptions>()([...OPERATION_OPTION_KEYS, "filters"]);
/** Containers `prune` removes at once: each is a few RPCs and a shim's exit, not CPU here. */
const PRUNE_CONCURRENCY = 8;
const WITH_LEASE_KEYS = optionKeys<WithLeaseOptions>()([
  ...OPERATION_OPTION_KEYS,
  "id",
  "labels",
  "expiresIn",
  "sync",
]);

/** `transport`, else `$CONTAINERD_SDK_TRANSPORT`, checked; default the lean http2 channel. */
function transportOf(transport: unknown): Transport {
  if (transport !== undefined) {
    if (!TRANSPORTS.includes(transport as Transport))
      throw invalid("transport", transport, `must be one of ${TRANSPORTS.join(", ")}`);
    return transport as Transport;
  }
  const env = process.env.CONTAINERD_SDK_TRANSPORT;
  if (env === undefined || env === "") return "http2";
  if (!TRANSPORTS.includes(env as Transport))
    throw invalid("transport", env, `($CONTAINERD_SDK_TRANSPORT) must be one of ${TRANSPORTS.join(", ")}`);
  return env as Transport;
}

/** What every namespace view of one connection shares. */
interface SharedState {
  readonly connection: Connection;
  /** The one event stream every view's handles share. */
  readonly hub: EventHub;
  /** FIFOs made ahead; it makes nothing until a process is piped. */
  readonly fifoPool: FifoPool;
  /** `ConnectOptions.network`, which every view's Networks starts from. */
  readonly network: NetworksOptions;
}

/**
 * A connection to containerd, viewed through one namespace. `withNamespace` makes more views
 * that share the channel; closing any view closes them all.
 */
export class Client implements AsyncDisposable {
  /** The namespace this view's namespaced calls run in. */
  readonly namespace: string;
  /** containerd's namespaces (not scoped to this view's namespace). */
  readonly namespaces: Namespaces;
  /** containerd's plugins. */
  readonly introspection: Introspection;
  /** This namespace's containers. */
  readonly containers: Containers;
  /** This namespace's events. */
  readonly events: Events;
  /** This namespace's images: list, get, delete, import, export, pull. */
  readonly images: Images;
  /** This namespace's content store (blobs by digest). */
  readonly content: Content;
  /** This namespace's leases. */
  readonly leases: Leases;
  /**
   * Bridge networks on this host (shared by every namespace) and this namespace's containers'
   * attachments; `prune()` removes attachments whose container is gone.
   */
  readonly networks: Networks;
  readonly #shared: SharedState;

  private constructor(shared: SharedState, namespace: string) {
    this.#shared = shared;
    const { connection, hub, fifoPool } = shared;
    this.namespace = namespace;
    this.networks = new Networks({
      ...shared.network,
      namespace,
      isAlive: (id, ns) => containerExists(connection.services, id, ns),
    });
    this.namespaces = new Namespaces(connection.services);
    this.introspection = new Introspection(connection.services);
    this.events = new Events(connection.services, namespace);
    this.images = new Images({ services: connection.services, namespace });
    this.content = new Content({ services: connection.services, namespace });
    this.leases = new Leases({ services: connection.services, namespace });
    this.containers = new Containers({
      services: connection.services,
      hub,
      namespace,
      fifoPool,
      remote: connection.address.remote,
      networks: this.networks,
    });
  }

  /**
   * Connects and checks that containerd answers (one Version call), so a wrong address fails here
   * with UnavailableError (or PermissionDeniedError) naming the socket, within `timeout`.
   */
  static async connect(options?: ConnectOptions): Promise<Client> {
    options = checkOptions(options, CONNECT_KEYS);
    if (options.address !== undefined) checkString("address", options.address);
    if (options.tls !== undefined) {
      if (!isRecord(options.tls))
        throw invalid("tls", options.tls, "must be an object: { ca, cert, key, serverName }");
      checkOptionKeys(options.tls, TLS_KEYS, "tls");
      if (options.tls.serverName !== undefined) checkString("tls.serverName", options.tls.serverName);
    }
    const namespace = options.namespace ?? process.env.CONTAINERD_NAMESPACE ?? "default";
    assertIdentifier(namespace, "namespace");
    const timeout = options.timeout ?? DEFAULT_CONNECT_TIMEOUT;
    const fifoDir = options.fifoDir ?? DEFAULT_FIFO_DIR;
    if (typeof fifoDir !== "string" || !isAbsolute(fifoDir)) {
      throw invalid("fifoDir", fifoDir, "must be an absolute path");
    }
    // Checked before connecting: a bad option there is the caller's mistake, not the daemon's.
    const network = checkClientNetworkOptions(options.network);
    const connection = await Connection.open(options.address, options.tls, transportOf(options.transport));
    // One hub and one FIFO pool per connection, shared by its views; neither does anything until used.
    const shared = {
      connection,
      hub: new EventHub(connection.services),
      fifoPool: new FifoPool(fifoDir),
      network,
    };
    const client = new Client(shared, namespace);
    try {
      await client.version({ signal: options.signal, timeout });
    } catch (err) {
      shared.hub.close();
      connection.close();
      throw unreachable({ ...connection.address, tls: options.tls !== undefined }, err);
    }
    return client;
  }

  /** The socket path (or `tcp://host:port`) this client talks to. */
  get address(): string {
    return this.#shared.connection.address.path;
  }

  /** A view of the same connection in namespace `namespace`. */
  withNamespace(namespace: string): Client {
    assertIdentifier(namespace, "namespace");
    return new Client(this.#shared, namespace);
  }

  /** The daemon's version and git revision. */
  async version(options?: OperationOptions): Promise<VersionInfo> {
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const { version, revision } = await this.raw.version.version({}, rawOptions(options));
    return { version, revision };
  }

  /** Whether the daemon's gRPC health service reports SERVING. */
  async serving(options?: OperationOptions): Promise<boolean> {
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const res = await this.raw.health.check({ service: "" }, rawOptions(options));
    return res.status === HealthCheckResponse_ServingStatus.SERVING;
  }

  /** A snapshotter of this namespace (default `overlayfs`): prepare, view, commit, mounts, … */
  snapshots(name: string = DEFAULT_SNAPSHOTTER): Snapshotter {
    return new Snapshotter({ services: this.#shared.connection.services, namespace: this.namespace }, name);
  }

  /**
   * Runs `fn` under a new lease, so every blob and snapshot its calls create (through any view of
   * this connection) is safe from GC until `fn` has made what references them; then deletes the
   * lease. Nested calls share the outer lease.
   */
  async withLease<T>(fn: (lease: string) => Promise<T>, options?: WithLeaseOptions): Promise<T> {
    return this.leases.withLease(fn, checkOptions(options, WITH_LEASE_KEYS));
  }

  /**
   * Removes every container matching `filters` (none: every container of the namespace) with its
   * task, snapshot, network attachment and logs, as `delete({ force: true })` does, and finishes
   * what a crashed client left half done: attachments and logs whose container is gone. Resolves
   * with what it removed; containers that vanish meanwhile are skipped quietly.
   */
  async prune(options?: PruneOptions): Promise<PruneResult> {
    const checked = checkOptions(options, PRUNE_KEYS);
    const what = `prune of namespace "${this.namespace}"`;
    return inOperation(() => withDeadline(what, checked, (signal) => this.#prune(checked.filters, signal)));
  }

  async #prune(filters: string[] | undefined, signal: AbortSignal | undefined): Promise<PruneResult> {
    const found = await this.containers.list({ filters, signal });
    const limit = pLimit(PRUNE_CONCURRENCY);
    const remove = (c: Container) => limit(() => c.delete({ force: true, signal }).then(() => c.id));
    const containers = await Promise.all(found.map(remove));
    if (this.#shared.connection.address.remote) return { containers, networkAttachments: [], logs: [] };
    const { services } = this.#shared.connection;
    const attachments = await this.networks.prune();
    const logs = await sweepLogs(this.namespace, (id) => containerExists(services, id, this.namespace));
    return { containers, networkAttachments: attachments.map((a) => a.containerId), logs };
  }

  /**
   * Runs a container to its exit and removes everything it made, also when something fails:
   * create, new task, start, wait, delete task, delete container (5 RPCs). Output comes as
   * strings (`encoding`, default `"utf8"`), or as Buffers with `encoding: "buffer"`.
   */
  run(options: RunContainerOptions & { encoding: "buffer" }): Promise<RunResult<Buffer>>;
  run(options?: RunContainerOptions & { encoding?: BufferEncoding }): Promise<RunResult<string>>;
  run(options?: RunContainerOptions): Promise<RunResult<string | Buffer>>;
  async run(options?: RunContainerOptions): Promise<RunResult<string | Buffer>> {
    options = optionsObject(options);
    const { id = `run-${randomBytes(6).toString("hex")}`, input, encoding, ...create } = options;
    const stdio = runStdio({ input, encoding });
    const container = await this.containers.create(id, create);
    let result: RunResult<string | Buffer>;
    try {
      const task = await container.newTask({ stdio, signal: options.signal });
      result = await collectOutput(task, options);
    } catch (err) {
      // The run's own failure is what the caller needs; cleanup is best effort here.
      await container.delete().catch(() => {});
      throw err;
    }
    await container.delete({ signal: options.signal });
    return result;
  }

  /**
   * containerd's gRPC services as generated stubs, for what the handles do not cover.
   * Namespaced calls need `{ namespace }` in their options; types are generated and may change.
   */
  get raw(): RawServices {
    if (this.#shared.connection.closed) {
      throw new UnavailableError(`containerd-sdk: the client for ${this.address} is closed`);
    }
    return this.#shared.connection.services;
  }

  /**
   * Calls `listener` when the event stream every view shares breaks (`"disconnect"`, e.g.
   * containerd stopped) and when it is live again with waiting processes reconciled
   * (`"reconnect"`). Listeners are shared by all views and removed by `close()`.
   */
  on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this {
    this.#shared.hub.on(event, listener as never);
    return this;
  }

  /** @internal Entries the event hub holds for handles (records, listeners, presence); for tests. */
  get eventHubSize(): number {
    return this.#shared.hub.size;
  }

  /** Removes a listener added with `on`. */
  off<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this {
    this.#shared.hub.off(event, listener as never);
    return this;
  }

  /**
   * Closes the channel shared by every view, once the network attachments `containers.create` began
   * are complete. Idempotent; nothing keeps Node's loop alive afterwards.
   */
  async close(): Promise<void> {
    // Waits only when an attachment is completing: otherwise the channel closes in this tick, before
    // calls made just before close() reach the wire, where a frozen daemon would hold them open.
    const completing = this.networks.settle();
    if (completing) await completing;
    const { hub, connection, fifoPool } = this.#shared;
    hub.close();
    connection.close();
    await fifoPool.close();
  }

  /** Closes the client, as `close()` does (idempotent): disposing the client never deletes anything. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
