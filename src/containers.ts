import { isAbsolute } from "node:path";
import { type CallOptions, optionsObject, rawOptions, streamOptions } from "./call-options.js";
import { Container } from "./container.js";
import { type AnyValue, checkExtensions, type RuncOptions, toContainerInfo } from "./container-info.js";
import { InvalidArgumentError, isNotImplemented } from "./errors/index.js";
import type { Container as ContainerRecord } from "./gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import type { HandleContext } from "./handle-context.js";
import { assertIdentifier } from "./identifiers.js";
import { createFromImage, type ImageRecordFields } from "./images/create-from-image.js";
import { namespaceDefaults } from "./namespace-defaults.js";
import { buildSpec, SPEC_OPTION_KEYS, type SpecOptions } from "./oci/index.js";
import { applyAdditionalGids, resolveUserOption, type UserOption } from "./oci/user-option.js";
import { checkStringArray, checkStringRecord } from "./oci/validate.js";
import { type RootfsMount, toMounts } from "./rootfs-mounts.js";
import { encodeAny, RUNC_OPTIONS_TYPE_URL, SPEC_TYPE_URL } from "./typeurl/index.js";

/** The runtime containerd uses unless told otherwise. */
export const DEFAULT_RUNTIME = "io.containerd.runc.v2";

/** What `containers.create` takes: spec options (args, env, …) plus where the rootfs comes from. */
export interface CreateContainerOptions extends SpecOptions, CallOptions {
  /**
   * Absolute path of a root filesystem on the daemon's host, or the mounts that make one up
   * (held by the handle and passed to the shim when its task is created).
   */
  rootfs?: string | RootfsMount[];
  /**
   * An image name in this namespace (`docker.io/library/busybox:latest`, or a short form that
   * normalises to it): the rootfs is a new snapshot of it and args, env, cwd and user default to its
   * config. Unpacked first if needed.
   */
  image?: string;
  /** Snapshotter for an image's rootfs snapshot. Default `overlayfs`. */
  snapshotter?: string;
  /** Labels stored with the container. */
  labels?: Record<string, string>;
  /**
   * The shim and its options; default: the namespace's `containerd.io/defaults/runtime` label,
   * else `io.containerd.runc.v2`.
   */
  runtime?: { name?: string; options?: RuncOptions };
  /** Opaque values stored with the container, keyed by name. */
  extensions?: Record<string, AnyValue>;
}

/** What `containers.list` takes. */
export interface ListContainersOptions extends CallOptions {
  /** containerd filters (`labels."app"==web`, `id~=^db-`); several are OR'd. */
  filters?: string[];
}

/** The containers of one namespace: `client.containers`. */
export class Containers {
  readonly #ctx: HandleContext;

  /** @internal */
  constructor(ctx: HandleContext) {
    this.#ctx = ctx;
  }

  /** Creates a container (one RPC) and returns its handle, holding the record containerd stored. */
  async create(id: string, options: CreateContainerOptions = {}): Promise<Container> {
    options = optionsObject(options);
    if (options.image !== undefined)
      return createFromImage(this.#ctx, id, options, (o) => this.create(id, o));
    assertIdentifier(id, "id");
    const rootfsPath =
      options.spec === undefined && typeof options.rootfs === "string" ? options.rootfs : undefined;
    const user = await resolveUserOption(options.user, rootfsPath);
    const record = this.#record(id, options as CreateContainerOptions & ImageRecordFields, user);
    if (options.runtime?.name === undefined && record.runtime) {
      record.runtime.name = (await namespaceDefaults(this.#ctx, options)).runtime ?? DEFAULT_RUNTIME;
    }
    const mounts = Array.isArray(options.rootfs) ? toMounts(options.rootfs, "rootfs") : undefined;
    const { services, hub, namespace } = this.#ctx;
    // Open the event stream now so it is live before the first task starts; no need to wait here.
    void hub.ready(namespace).catch(() => {});
    // "No task" is known only if the stream was live throughout; else containers.delete asks.
    const token = hub.presenceToken(namespace);
    const res = await services.containers.create({ container: record }, rawOptions(options, namespace));
    hub.setTaskPresence(namespace, id, "none", token);
    return new Container(this.#ctx, toContainerInfo(res.container ?? record), mounts);
  }

  /** A handle for an existing container (one RPC); NotFoundError when there is none. */
  async load(id: string, options?: CallOptions): Promise<Container> {
    assertIdentifier(id, "id");
    const { services, hub, namespace } = this.#ctx;
    void hub.ready(namespace).catch(() => {});
    const res = await services.containers.get({ id }, rawOptions(options, namespace));
    if (!res.container) throw new InvalidArgumentError(`containerd returned no record for "${id}"`);
    return new Container(this.#ctx, toContainerInfo(res.container));
  }

  /** Handles for the namespace's containers, optionally filtered; streamed when the daemon can. */
  async list(options: ListContainersOptions = {}): Promise<Container[]> {
    const { services, namespace } = this.#ctx;
    const filters = checkStringArray("filters", optionsObject(options).filters ?? []);
    let records: ContainerRecord[];
    try {
      records = [];
      const stream = services.containers.listStream({ filters }, streamOptions(options, namespace));
      for await (const msg of stream) if (msg.container) records.push(msg.container);
    } catch (err) {
      // ListStream came in 1.4; older daemons answer UNIMPLEMENTED.
      if (!isNotImplemented(err)) throw err;
      records = (await services.containers.list({ filters }, rawOptions(options, namespace))).containers;
    }
    return records.map((r) => new Container(this.#ctx, toContainerInfo(r)));
  }

  #record(
    id: string,
    options: CreateContainerOptions & ImageRecordFields,
    user: UserOption,
  ): ContainerRecord {
    assertIdentifier(id, "id");
    const rootfs = Array.isArray(options.rootfs) ? undefined : options.rootfs;
    if (rootfs !== undefined && (typeof rootfs !== "string" || !isAbsolute(rootfs))) {
      throw new InvalidArgumentError(`rootfs: "${rootfs}" must be an absolute path`, { field: "rootfs" });
    }
    if (options.rootfs === undefined && options.spec?.root?.path === undefined) {
      throw new InvalidArgumentError("rootfs: a rootfs path (or spec.root.path) is required", {
        field: "rootfs",
      });
    }
    const specOptions: Record<string, unknown> = {};
    for (const key of SPEC_OPTION_KEYS) if (options[key] !== undefined) specOptions[key] = options[key];
    if (user.user !== undefined) specOptions.user = user.user;
    const spec = buildSpec(specOptions as SpecOptions, { namespace: this.#ctx.namespace, id });
    applyAdditionalGids(spec.process, user);
    if (rootfs !== undefined) spec.root = { ...spec.root, path: rootfs };
    const runtimeOptions = options.runtime?.options;
    return {
      id,
      labels: checkStringRecord("labels", options.labels ?? {}),
      image: options.imageRecord?.image ?? "",
      runtime: {
        name: options.runtime?.name ?? DEFAULT_RUNTIME,
        options: runtimeOptions ? encodeAny(RUNC_OPTIONS_TYPE_URL, runtimeOptions) : undefined,
      },
      spec: encodeAny(SPEC_TYPE_URL, spec),
      snapshotter: options.imageRecord?.snapshotter ?? "",
      snapshotKey: options.imageRecord?.snapshotKey ?? "",
      createdAt: undefined,
      updatedAt: undefined,
      extensions: checkExtensions("extensions", options.extensions ?? {}),
    };
  }
}
