import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import { checkOptions, type OperationOptions, rawOptions } from "./base/call-options.js";
import { withDeadline } from "./base/deadline.js";
import { OPERATION_OPTION_KEYS, optionKeys } from "./base/option-keys.js";
import { checkBoolean, checkStringRecord, invalid, isRecord } from "./base/validate.js";
import { createContainer } from "./containers/create.js";
import type { CreateContainerOptions, ListContainersOptions } from "./containers/create-options.js";
import type { HandleContext } from "./containers/handle-context.js";
import { listContainers, loadContainer } from "./containers/load.js";
import { detachNetwork } from "./containers/network.js";
import { snapshotMounts } from "./containers/snapshot-mounts.js";
import { quiet, removeTask, taskState } from "./containers/task-removal.js";
import { FailedPreconditionError, InvalidArgumentError } from "./errors/index.js";
import type { ContainerdEvent, ExitStatus } from "./events/event.js";
import { copyFrom } from "./files/archive.js";
import type { CopyToEntry } from "./files/options.js";
import { readFile } from "./files/read.js";
import type { ContainerFiles } from "./files/root.js";
import { copyTo } from "./files/write.js";
import type { Container as ContainerRecord } from "./gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import type { Mount } from "./gen/github.com/containerd/containerd/api/types/mount.js";
import type { LogEntry, LogsOptions } from "./logs/index.js";
import { readLogs } from "./logs/reader.js";
import { removeLogs } from "./logs/remove.js";
import { withTaskLog } from "./logs/task-log.js";
import type { Spec } from "./oci/index.js";
import type { AttachOptions } from "./processes/load.js";
import { inOperation } from "./rpc/operation.js";
import {
  type AnyValue,
  type ContainerInfo,
  checkExtensions,
  toContainerInfo,
} from "./runtime/container-info.js";
import { toMounts } from "./runtime/rootfs-mounts.js";
import { type NewTaskOptions, Task } from "./task.js";
import { encodeAny, SPEC_TYPE_URL } from "./typeurl/index.js";

/** What `container.info()` and `container.spec()` take. */
export interface InfoOptions extends OperationOptions {
  /** Read the record from containerd again instead of the one the handle holds. */
  refresh?: boolean;
}

/** What `container.update()` changes; only the fields given are sent (a field-mask update). */
export interface UpdateContainerOptions extends OperationOptions {
  /** Replaces all labels. */
  labels?: Record<string, string>;
  /** Replaces the spec; tasks created afterwards use it. */
  spec?: Spec;
  /** Sets the named extensions, leaving the others alone. */
  extensions?: Record<string, AnyValue>;
}

/** What `container.delete()` takes; `timeout` bounds the whole delete, a forced kill's wait included. */
export interface DeleteContainerOptions extends OperationOptions {
  /** Also remove the container's snapshot, when it has one. Default true. */
  snapshot?: boolean;
  /** Kill the container's task (SIGKILL to all its processes), wait for it and delete it first. */
  force?: boolean;
}

const INFO_KEYS = optionKeys<InfoOptions>()([...OPERATION_OPTION_KEYS, "refresh"]);
const UPDATE_KEYS = optionKeys<UpdateContainerOptions>()([
  ...OPERATION_OPTION_KEYS,
  "labels",
  "spec",
  "extensions",
]);
const NEW_TASK_KEYS = optionKeys<NewTaskOptions>()([
  ...OPERATION_OPTION_KEYS,
  "stdio",
  "terminal",
  "logPath",
  "logBinary",
  "runtimePath",
  "runtimeOptions",
  "rootfs",
  "checkpoint",
  "log",
]);
const DELETE_KEYS = optionKeys<DeleteContainerOptions>()([...OPERATION_OPTION_KEYS, "snapshot", "force"]);
const LIST_KEYS = optionKeys<ListContainersOptions>()([...OPERATION_OPTION_KEYS, "filters"]);

/** Events a container handle emits (from the client's event stream, while a listener is attached). */
export interface ContainerEvents {
  /** A task was created for the container (by this or any client). */
  "task-created": [info: { pid: number }];
  /** The container's task was deleted. */
  "task-deleted": [status: ExitStatus];
  /** The container record was deleted. */
  deleted: [];
}

const CONTAINER_EVENT_NAMES = new Set<string | symbol>(["task-created", "task-deleted", "deleted"]);

/**
 * A container: containerd's record (held, so reading it costs nothing) plus the operations on it.
 * Knows whether it has a task from the client's event stream, not by asking.
 */
export class Container extends EventEmitter<ContainerEvents> implements AsyncDisposable {
  /** The container id, unique in its namespace. */
  readonly id: string;
  /** The namespace the container lives in. */
  readonly namespace: string;
  readonly #ctx: HandleContext;
  #info: ContainerInfo;
  readonly #rootfsMounts: Mount[] | undefined;
  #unwatch: (() => void) | undefined;

  /** @internal */
  constructor(ctx: HandleContext, info: ContainerInfo, rootfsMounts?: Mount[]) {
    super();
    this.#ctx = ctx;
    this.id = info.id;
    this.namespace = ctx.namespace;
    this.#info = info;
    this.#rootfsMounts = rootfsMounts;
    const plain = this as unknown as EventEmitter;
    plain.on("newListener", (name: string | symbol) => {
      if (CONTAINER_EVENT_NAMES.has(name) && !this.#unwatch) {
        this.#unwatch = ctx.hub.watchContainer(ctx.namespace, this.id, (ev) => this.#onEvent(ev));
      }
    });
    plain.on("removeListener", () => {
      let count = 0;
      for (const n of CONTAINER_EVENT_NAMES) count += this.listenerCount(n as keyof ContainerEvents);
      if (count === 0) this.#stopWatching();
    });
  }

  /** The container's record: the one held, or with `refresh` the one containerd has now. */
  async info(options?: InfoOptions): Promise<ContainerInfo> {
    options = checkOptions(options, INFO_KEYS);
    if (options.refresh !== undefined && checkBoolean("refresh", options.refresh)) {
      const res = await this.#ctx.services.containers.get(
        { id: this.id },
        rawOptions(options, this.namespace),
      );
      if (res.container) this.#info = toContainerInfo(res.container);
    }
    return structuredClone(this.#info);
  }

  /** The container's OCI runtime spec (see `info` for `refresh`). */
  async spec(options?: InfoOptions): Promise<Spec> {
    return (await this.info(options)).spec;
  }

  /** Sets the given labels and leaves the others alone; an empty string removes a label. */
  async setLabels(
    labels: Record<string, string>,
    options?: OperationOptions,
  ): Promise<Record<string, string>> {
    labels = checkStringRecord("labels", labels);
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const paths = Object.keys(labels).map((key) => `labels.${key}`);
    await this.#update({ labels }, paths, options);
    return { ...this.#info.labels };
  }

  /** Updates labels, spec or extensions; only the fields given change. */
  async update(options: UpdateContainerOptions): Promise<ContainerInfo> {
    options = checkOptions(options, UPDATE_KEYS);
    const paths: string[] = [];
    const patch: Partial<ContainerRecord> = {};
    if (options.labels !== undefined) {
      paths.push("labels");
      patch.labels = checkStringRecord("labels", options.labels);
    }
    if (options.spec !== undefined) {
      if (!isRecord(options.spec)) throw invalid("spec", options.spec, "must be an OCI spec object");
      paths.push("spec");
      patch.spec = encodeAny(SPEC_TYPE_URL, options.spec);
    }
    if (options.extensions !== undefined) {
      const extensions = checkExtensions("extensions", options.extensions);
      paths.push(...Object.keys(extensions).map((k) => `extensions.${k}`));
      patch.extensions = extensions;
    }
    if (paths.length === 0) {
      throw new InvalidArgumentError("update: give at least one of labels, spec, extensions", {
        field: "update",
      });
    }
    await this.#update(patch, paths, options);
    return this.info();
  }

  /**
   * Creates the container's task (one RPC), on the rootfs mounts given here or at create.
   * Start it with `task.start()`.
   */
  async newTask(options?: NewTaskOptions): Promise<Task> {
    options = checkOptions(options, NEW_TASK_KEYS);
    if (options.log !== undefined) {
      const { log: _, ...rest } = options;
      const target = { namespace: this.namespace, id: this.id, remote: this.#ctx.remote };
      return withTaskLog(target, options, (logBinary) => this.newTask({ ...rest, logBinary }));
    }
    const mounts = options.rootfs ? toMounts(options.rootfs, "rootfs") : this.#rootfsMounts;
    if (mounts === undefined && this.#info.snapshotKey) {
      return snapshotMounts(this.#ctx, this.#info, options.signal).then((m) =>
        Task.create(this.#ctx, this.#info, m, options),
      );
    }
    return Task.create(this.#ctx, this.#info, mounts ?? [], options);
  }

  /**
   * The container's existing task (one RPC); NotFoundError when it has none. With `attach`,
   * its stdio FIFOs are opened again so output and stdin work as before.
   */
  task(options?: AttachOptions): Promise<Task> {
    return Task.load(this.#ctx, this.#info, options);
  }

  /**
   * Deletes the container, its network attachment, its logs and (unless `snapshot: false`) its
   * snapshot. While it has a task that is a FailedPreconditionError, unless `force`: then the task
   * is killed and deleted first. Quiet when any of them is already gone.
   */
  async delete(options?: DeleteContainerOptions): Promise<void> {
    options = checkOptions(options, DELETE_KEYS);
    for (const field of ["force", "snapshot"] as const) {
      if (options[field] !== undefined) checkBoolean(field, options[field]);
    }
    const checked = options;
    await inOperation(() =>
      withDeadline(`delete of container "${this.id}"`, checked, (signal) => this.#delete(checked, signal)),
    );
  }

  /** Deletes the container with its task and snapshot, quietly when already gone: `delete({ force: true })`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete({ force: true });
  }

  async #delete(options: DeleteContainerOptions, signal: AbortSignal | undefined): Promise<void> {
    const { services, hub, namespace } = this.#ctx;
    const call = { signal, namespace };
    const task = await taskState(this.#ctx, this.id, call);
    if (task !== "none" && !options.force) {
      throw new FailedPreconditionError(
        `container "${this.id}" in namespace "${namespace}" has a task; delete the task first (or pass force: true)`,
      );
    }
    if (task !== "none") await removeTask(this.#ctx, this.id, task, call);
    await services.containers.delete({ id: this.id }, call).catch(quiet);
    hub.forget(namespace, this.id);
    await detachNetwork(this.#ctx, this.id, signal);
    await removeLogs(namespace, this.id);
    const { snapshotter, snapshotKey } = this.#info;
    if (options.snapshot !== false && snapshotter && snapshotKey) {
      await services.snapshots.remove({ snapshotter, key: snapshotKey }, call).catch(quiet);
    }
  }

  #stopWatching(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  #onEvent(ev: ContainerdEvent): void {
    if (ev.topic === "/tasks/create") this.emit("task-created", { pid: ev.event.pid });
    else if (ev.topic === "/tasks/delete" && (ev.event.id === "" || ev.event.id === this.id)) {
      this.emit("task-deleted", { exitCode: ev.event.exitStatus, exitedAt: ev.event.exitedAt });
    } else if (ev.topic === "/containers/delete") {
      this.emit("deleted");
      this.#stopWatching();
    }
  }

  async #update(patch: Partial<ContainerRecord>, paths: string[], options?: OperationOptions): Promise<void> {
    const res = await this.#ctx.services.containers.update(
      { container: { ...toRecordStub(this.id), ...patch }, updateMask: paths },
      rawOptions(options, this.namespace),
    );
    if (res.container) this.#info = toContainerInfo(res.container);
  }

  /**
   * Writes files into the container: each entry's `content`, or a host `source` file or directory
   * (copied recursively), at `target`, with modes, owners and mtimes. Works with or without a
   * task: a running task's root as its processes see it (mounts included), else the rootfs
   * snapshot mounted for the copy alone. Every path resolves inside the container, so a symlink
   * there never leads a write out of it. Bad entries are an InvalidArgumentError naming the field
   * before anything is touched; `timeout` bounds the whole copy.
   */
  copyTo(entries: CopyToEntry[], options?: OperationOptions): Promise<void> {
    return copyTo(this.#files(), entries, checkOptions(options, OPERATION_OPTION_KEYS));
  }

  /**
   * A tar stream of `path` in the container (the path's basename at the tar's root, as Docker's
   * archive API), with modes, owners and mtimes; symlinks stay symlinks. A missing path rejects
   * with NotFoundError. Destroying the stream or aborting `signal` ends the copy and closes what
   * it opened; `timeout` bounds only getting to the path.
   */
  copyFrom(path: string, options?: OperationOptions): Promise<Readable> {
    return copyFrom(this.#files(), path, checkOptions(options, OPERATION_OPTION_KEYS));
  }

  /** The regular file at `path` in the container (symlinks followed inside it); see `copyFrom`. */
  readFile(path: string, options?: OperationOptions): Promise<Buffer> {
    return readFile(this.#files(), path, checkOptions(options, OPERATION_OPTION_KEYS));
  }

  #files(): ContainerFiles {
    return { ctx: this.#ctx, info: this.#info, mounts: this.#rootfsMounts };
  }

  /**
   * The container's log (tasks created with `log`), oldest entry first: stdout and stderr apart,
   * each entry with the time it was read. With `follow`, new entries keep coming until the task
   * exits or `signal` aborts. Any process can read it, whichever created the task.
   */
  logs(options?: LogsOptions): AsyncIterable<LogEntry> {
    const { hub, services, namespace } = this.#ctx;
    return readLogs({ hub, services, namespace, id: this.id }, options);
  }
}

function toRecordStub(id: string): ContainerRecord {
  return {
    id,
    labels: {},
    image: "",
    runtime: undefined,
    spec: undefined,
    snapshotter: "",
    snapshotKey: "",
    createdAt: undefined,
    updatedAt: undefined,
    extensions: {},
  };
}

/** The containers of one namespace: `client.containers`. */
export class Containers {
  readonly #ctx: HandleContext;

  /** @internal */
  constructor(ctx: HandleContext) {
    this.#ctx = ctx;
  }

  /** Creates a container (one RPC) and returns its handle, holding the record containerd stored. */
  async create(id: string, options?: CreateContainerOptions): Promise<Container> {
    const { info, mounts } = await createContainer(this.#ctx, id, options);
    return new Container(this.#ctx, info, mounts);
  }

  /** A handle for an existing container (one RPC); NotFoundError when there is none. */
  async load(id: string, options?: OperationOptions): Promise<Container> {
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    return new Container(this.#ctx, await loadContainer(this.#ctx, id, options));
  }

  /** Handles for the namespace's containers, optionally filtered; streamed when the daemon can. */
  async list(options?: ListContainersOptions): Promise<Container[]> {
    const infos = await listContainers(this.#ctx, checkOptions(options, LIST_KEYS));
    return infos.map((info) => new Container(this.#ctx, info));
  }
}
