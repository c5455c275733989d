import { randomBytes } from "node:crypto";
import { checkOptions, type OperationOptions, rawOptions } from "./base/call-options.js";
import { assertIdentifier } from "./base/identifiers.js";
import { OPERATION_OPTION_KEYS, optionKeys } from "./base/option-keys.js";
import { checkStringRecord } from "./base/validate.js";
import type { HandleContext } from "./containers/handle-context.js";
import { networkOf, newTaskNetwork } from "./containers/network.js";
import { InvalidArgumentError } from "./errors/index.js";
import type { Mount } from "./gen/github.com/containerd/containerd/api/types/mount.js";
import { type CheckpointOptions, checkpointTask } from "./images/checkpoint.js";
import type { Image } from "./images/image.js";
import { checkpointDescriptor } from "./images/restore.js";
import { openStdio, type StdioSpec } from "./io/index.js";
import { collectOutput, type RunIOOptions, type RunResult, runStdio } from "./io/run-result.js";
import type { LogOption } from "./logs/index.js";
import { hostPortOf, type NetworkInfo, type PortProtocol } from "./network/index.js";
import {
  type ProcessOptions,
  type Process as ProcessSpec,
  type ResourceOptions,
  toLinuxResources,
} from "./oci/index.js";
import { applyProcessOptionsTo, PROCESS_OPTION_KEYS } from "./oci/process.js";
import { applyAdditionalGids, resolveUserOption } from "./oci/user-option.js";
import { Process, ProcessHandle } from "./process.js";
import type { ProcessInit } from "./processes/init.js";
import { taskLifecycle } from "./processes/lifecycle.js";
import { type AttachOptions, loadProcessInit } from "./processes/load.js";
import type { ContainerInfo } from "./runtime/container-info.js";
import { type TaskMetrics, toTaskMetrics } from "./runtime/metrics.js";
import { explainRemovedRuntime } from "./runtime/removed-runtime.js";
import type { RootfsMount } from "./runtime/rootfs-mounts.js";
import { STOP_SIGNAL_LABEL } from "./runtime/stop-signal.js";
import { type TaskRuntimeOptions, taskRuntimeFields } from "./runtime/task-runtime.js";
import { encodeAny, LINUX_RESOURCES_TYPE_URL, PROCESS_TYPE_URL } from "./typeurl/index.js";

/** What `container.newTask` takes. */
export interface NewTaskOptions extends StdioSpec, OperationOptions, TaskRuntimeOptions {
  /** Mounts that make up the root filesystem; default: those given at create, if any. */
  rootfs?: RootfsMount[];
  /** Restore the task from a checkpoint image (from `task.checkpoint()`) or its name; needs CRIU. */
  checkpoint?: Image | string;
  /**
   * Keep stdout and stderr in the container's log (read it with `container.logs()`), written by
   * the SDK's logging daemon whether or not any client is running; `stdio` must be `"ignore"`.
   */
  log?: LogOption;
}

/** What `task.exec` takes: process options (args, env, cwd, user, terminal) and stdio. */
export interface ExecOptions extends ProcessOptions, StdioSpec, OperationOptions {}

/** What `task.run` takes: process options, `input` for its stdin and the `encoding` of its output. */
export interface RunOptions
  extends Omit<ProcessOptions, "args" | "terminal">,
    OperationOptions,
    RunIOOptions {}

/** What `task.update` takes. */
export interface UpdateTaskOptions extends OperationOptions {
  /** New cgroup limits; the fields given replace the current ones. */
  resources?: ResourceOptions;
  /** Annotations passed to the runtime with the update. */
  annotations?: Record<string, string>;
}

const STDIO_KEYS = ["stdio", "terminal", "logPath", "logBinary"] as const;
const UPDATE_KEYS = optionKeys<UpdateTaskOptions>()([...OPERATION_OPTION_KEYS, "resources", "annotations"]);
const CHECKPOINT_KEYS = optionKeys<CheckpointOptions>()([...OPERATION_OPTION_KEYS, "name", "exit"]);
const EXEC_KEYS = optionKeys<ExecOptions>()([
  ...OPERATION_OPTION_KEYS,
  ...PROCESS_OPTION_KEYS,
  ...STDIO_KEYS,
]);
const ATTACH_KEYS = optionKeys<AttachOptions>()([...OPERATION_OPTION_KEYS, "attach", "stdio"]);
const RUN_KEYS = optionKeys<RunOptions>()([
  ...OPERATION_OPTION_KEYS,
  "env",
  "cwd",
  "user",
  "rlimits",
  "noNewPrivileges",
  "input",
  "encoding",
]);

/** One process in a task's cgroup. */
export interface PidInfo {
  pid: number;
}

/** What a Task handle starts from: its process, its spec's process and root, its network. */
type TaskInit = ProcessInit & {
  processSpec: ProcessSpec | undefined;
  rootfsPath?: string;
  network?: NetworkInfo;
};

/**
 * A container's task: its init process plus task-wide operations (pause, metrics, exec …).
 * The handle keeps the pid, stdio and the container's process spec, so exec needs no lookup.
 */
export class Task extends ProcessHandle {
  /** The container id, which is also the task's id. */
  readonly id: string;
  readonly #ctx: HandleContext;
  readonly #processSpec: ProcessSpec;
  readonly #rootfsPath: string | undefined;
  readonly #network: NetworkInfo | undefined;

  /** @internal `rootfsPath`: the spec's root path, where exec looks users up. */
  constructor(init: TaskInit) {
    super(init, taskLifecycle);
    this.id = init.containerId;
    this.#ctx = init.ctx;
    this.#rootfsPath = init.rootfsPath;
    this.#network = init.network;
    // A spec without a process (a full override) still execs from containerd's defaults.
    this.#processSpec = init.processSpec ?? { cwd: "/", user: { uid: 0, gid: 0 } };
  }

  /** @internal Creates the task (Tasks.Create) with fresh stdio; removes the FIFOs if it fails. */
  static async create(
    ctx: HandleContext,
    info: ContainerInfo,
    rootfs: Mount[],
    options: NewTaskOptions = {},
  ): Promise<Task> {
    const processSpec = info.spec.process;
    const terminal = processSpec?.terminal ?? false;
    if (options.terminal !== undefined && options.terminal !== terminal) {
      throw new InvalidArgumentError(
        `terminal: the container's spec says terminal ${terminal}; set it when creating the container`,
        { field: "terminal" },
      );
    }
    const runtime = taskRuntimeFields(options);
    // Runs beside Tasks.Create: a network begun by containers.create may still be completing.
    const network = newTaskNetwork(ctx, info);
    network.catch(() => {});
    // Read before any FIFO exists, so a missing checkpoint leaves nothing behind.
    const checkpoint =
      options.checkpoint === undefined
        ? undefined
        : await checkpointDescriptor(ctx, options.checkpoint, options);
    const io = await openStdio({
      ...options,
      terminal,
      fifoPool: ctx.fifoPool,
      id: info.id,
      remote: ctx.remote,
    });
    const token = ctx.hub.presenceToken(ctx.namespace);
    let pid: number;
    try {
      ({ pid } = await ctx.services.tasks.create(
        {
          containerId: info.id,
          rootfs,
          ...io.config,
          checkpoint,
          options: runtime.options,
          runtimePath: runtime.runtimePath,
        },
        rawOptions(options, ctx.namespace),
      ));
    } catch (err) {
      await io.close();
      // A network that failed explains a failed create best: its namespace was gone by then.
      await network;
      throw explainRemovedRuntime(err, info.runtime.name);
    }
    const attached = await network.catch(async (err: unknown) => {
      await ctx.services.tasks.delete({ containerId: info.id }, { namespace: ctx.namespace }).catch(() => {});
      // The task's create event may still be on its way and would mark it present: untracked, the
      // container's next delete asks containerd instead.
      ctx.hub.forget(ctx.namespace, info.id);
      await io.close();
      throw err;
    });
    io.attached();
    ctx.hub.setTaskPresence(ctx.namespace, info.id, "present", token);
    const rootfsPath = info.spec.root?.path;
    const stopSignal = info.labels[STOP_SIGNAL_LABEL];
    const ids = { ctx, containerId: info.id, execId: "", pid };
    return new Task({ ...ids, io, processSpec, rootfsPath, stopSignal, network: attached });
  }

  /** @internal The handle of the container's existing task: one Tasks.Get (see `container.task()`). */
  static async load(ctx: HandleContext, info: ContainerInfo, options?: AttachOptions): Promise<Task> {
    const network = await networkOf(ctx, info);
    const init = await loadProcessInit(ctx, info.id, "", options);
    const { process: processSpec, root } = info.spec;
    const stopSignal = info.labels[STOP_SIGNAL_LABEL];
    return new Task({ ...init, processSpec, rootfsPath: root?.path, stopSignal, network });
  }

  /**
   * The container's network as it was attached (`containers.create`'s `network`): its name, address,
   * gateway and published ports. Undefined for `"none"` and `"host"`.
   */
  get network(): NetworkInfo | undefined {
    return this.#network && structuredClone(this.#network);
  }

  /** The host port publishing the container's `containerPort`, or undefined when it is not published. */
  hostPort(containerPort: number, protocol: PortProtocol = "tcp"): number | undefined {
    return this.#network && hostPortOf(this.#network, containerPort, protocol);
  }

  /** Pauses every process in the task (freezer cgroup). */
  async pause(options?: OperationOptions): Promise<void> {
    await this.#ctx.services.tasks.pause(
      { containerId: this.id },
      rawOptions(checkOptions(options, OPERATION_OPTION_KEYS), this.namespace),
    );
  }

  /** Resumes a paused task. */
  async resume(options?: OperationOptions): Promise<void> {
    await this.#ctx.services.tasks.resume(
      { containerId: this.id },
      rawOptions(checkOptions(options, OPERATION_OPTION_KEYS), this.namespace),
    );
  }

  /** The processes in the task's cgroup. */
  async pids(options?: OperationOptions): Promise<PidInfo[]> {
    const res = await this.#ctx.services.tasks.listPids(
      { containerId: this.id },
      rawOptions(checkOptions(options, OPERATION_OPTION_KEYS), this.namespace),
    );
    return res.processes.map(({ pid }) => ({ pid }));
  }

  /** The task's cgroup figures (cgroups v1 or v2), decoded. */
  async metrics(options?: OperationOptions): Promise<TaskMetrics> {
    const res = await this.#ctx.services.tasks.metrics(
      { filters: [`id==${JSON.stringify(this.id)}`] },
      rawOptions(checkOptions(options, OPERATION_OPTION_KEYS), this.namespace),
    );
    const metric = res.metrics.find((m) => m.id === this.id);
    const decoded = metric && toTaskMetrics(metric);
    if (!decoded)
      throw new InvalidArgumentError(`containerd returned no cgroup metrics for task "${this.id}"`);
    return decoded;
  }

  /** Changes the task's cgroup limits while it runs. */
  async update(options: UpdateTaskOptions): Promise<void> {
    options = checkOptions(options, UPDATE_KEYS);
    const annotations = checkStringRecord("annotations", options.annotations ?? {});
    const resources = options.resources
      ? encodeAny(LINUX_RESOURCES_TYPE_URL, toLinuxResources(options.resources))
      : undefined;
    await this.#ctx.services.tasks.update(
      { containerId: this.id, resources, annotations },
      rawOptions(options, this.namespace),
    );
  }

  /**
   * Checkpoints the running task with CRIU and stores it as an image (`newTask({ checkpoint })`
   * restores it); with `exit`, the task stops afterwards. Needs CRIU on the daemon's host.
   */
  async checkpoint(options?: CheckpointOptions): Promise<Image> {
    return checkpointTask(this.#ctx, this.id, checkOptions(options, CHECKPOINT_KEYS));
  }

  /**
   * Creates (not starts) a process in the task from the container's process spec with `options`
   * applied. One RPC; `start()`, `wait()`, `delete()` on the returned Process follow.
   */
  async exec(execId: string, options: ExecOptions): Promise<Process> {
    assertIdentifier(execId, "execId");
    options = checkOptions(options, EXEC_KEYS);
    const user = await resolveUserOption(options.user, this.#rootfsPath);
    // A shallow copy is enough: the options replace whole fields and never change nested values.
    const spec = applyProcessOptionsTo(
      { ...this.#processSpec },
      {
        ...options,
        user: user.user as ExecOptions["user"],
      },
    );
    applyAdditionalGids(spec, user);
    const terminal = spec.terminal ?? false;
    const io = await openStdio({
      ...options,
      terminal,
      fifoPool: this.#ctx.fifoPool,
      id: `${this.id}-${execId}`,
      remote: this.#ctx.remote,
    });
    try {
      await this.#ctx.services.tasks.exec(
        { containerId: this.id, execId, ...io.config, spec: encodeAny(PROCESS_TYPE_URL, spec) },
        rawOptions(options, this.namespace),
      );
    } catch (err) {
      await io.close();
      throw err;
    }
    return new Process({ ctx: this.#ctx, containerId: this.id, execId, io });
  }

  /**
   * The handle of an exec that already exists (one RPC), e.g. made before a restart or by another
   * client; NotFoundError when there is none. With `attach`, its FIFOs are opened again.
   */
  async loadProcess(execId: string, options?: AttachOptions): Promise<Process> {
    assertIdentifier(execId, "execId");
    options = checkOptions(options, ATTACH_KEYS);
    return new Process(await loadProcessInit(this.#ctx, this.id, execId, options));
  }

  /**
   * Runs `args` in the task and collects its output: exec, start, wait, delete (three RPCs).
   * The process is deleted whatever happens. Output comes as strings (`encoding`, default
   * `"utf8"`), or as Buffers with `encoding: "buffer"`.
   */
  run(args: string[], options: RunOptions & { encoding: "buffer" }): Promise<RunResult<Buffer>>;
  run(args: string[], options?: RunOptions & { encoding?: BufferEncoding }): Promise<RunResult<string>>;
  run(args: string[], options?: RunOptions): Promise<RunResult<string | Buffer>>;
  async run(args: string[], options?: RunOptions): Promise<RunResult<string | Buffer>> {
    const { input, encoding, ...exec } = checkOptions(options, RUN_KEYS);
    const stdio = runStdio({ input, encoding });
    const execId = `run-${randomBytes(6).toString("hex")}`;
    const process = await this.exec(execId, { ...exec, args, stdio });
    return collectOutput(process, { ...exec, input, encoding });
  }
}
