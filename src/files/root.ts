/**
 * Where a copy finds a container's root filesystem. A task that runs (or is created, or paused):
 * `/proc/<pid>/root`, the root its init process sees, with every mount of the container (volumes,
 * /dev, /proc) where the container has it. Otherwise the rootfs mounts (the snapshot's), mounted
 * on a temp dir, opened, and detached at once with `umount -l`: the open directory keeps the mount
 * alive for this copy alone and nothing stays mounted, even if this process dies mid-copy. A
 * container whose rootfs is a plain host path uses the path.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { type FileHandle, mkdtemp, open, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { type OperationOptions, rawOptions } from "../base/call-options.js";
import { AbortedError, FailedPreconditionError, isNotFound, UnknownError } from "../errors/index.js";
import type { ImagesContext } from "../images/context.js";
import { fromMounts } from "../images/snapshots.js";
import type { ContainerInfo } from "../runtime/container-info.js";
import { type ProcessState, toProcessState } from "../runtime/process-status.js";
import type { RootfsMount } from "../runtime/rootfs-mounts.js";
import { type Access, mountCommands } from "./mount-plan.js";

const run = promisify(execFile);
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** States in which a task's init process exists, so its `/proc/<pid>/root` is the container's. */
const LIVE = new Set<ProcessState>(["created", "running", "paused", "pausing"]);

/** @internal The container a copy reads or writes, as its handle holds it. */
export interface ContainerFiles {
  readonly ctx: ImagesContext & { readonly remote?: boolean };
  readonly info: ContainerInfo;
  /** The rootfs mounts the handle holds (given at create, or its image's snapshot). */
  readonly mounts: readonly RootfsMount[] | undefined;
}

/** @internal The container's root directory, open; `close()` lets it (and any mount) go. */
export interface ContainerRoot {
  readonly dir: FileHandle;
  close(): Promise<void>;
}

/** @internal Opens the container's root filesystem for a copy; see the module comment. */
export async function openContainerRoot(
  files: ContainerFiles,
  access: Access,
  options: OperationOptions,
): Promise<ContainerRoot> {
  const { ctx, info } = files;
  if (ctx.remote) {
    throw new FailedPreconditionError(
      `copy: container "${info.id}": copying needs containerd's host, and this client reaches containerd over TCP`,
    );
  }
  const task = await openTaskRoot(files, options);
  if (typeof task === "object") return { dir: task, close: () => task.close() };
  const path = info.spec.root?.path;
  const mounts = files.mounts ?? (info.snapshotKey ? await snapshotMounts(files, options) : undefined);
  if (mounts && mounts.length > 0) {
    // A stopped task's shim still has the rootfs mounted: a second writable overlay on the same
    // upper dir is undefined behaviour for overlayfs.
    if (task === "stopped" && access === "write") {
      throw new FailedPreconditionError(
        `copy: container "${info.id}" has a stopped task, which still holds its rootfs; delete the task first`,
      );
    }
    const dir = await mountBriefly(mounts, access);
    return { dir, close: () => dir.close() };
  }
  if (path && isAbsolute(path)) {
    const dir = await open(path, O_RDONLY | O_DIRECTORY);
    return { dir, close: () => dir.close() };
  }
  throw new FailedPreconditionError(
    `copy: container "${info.id}" has no root filesystem this client can reach (no task, snapshot or rootfs path)`,
  );
}

/**
 * `/proc/<pid>/root` of the container's task, open; "stopped" for a task without a process; none
 * without a task. The pid is asked for again after the open: had the task exited and its pid gone
 * to another process in between, the directory would be that process's root.
 */
async function openTaskRoot(
  files: ContainerFiles,
  options: OperationOptions,
): Promise<FileHandle | "stopped" | undefined> {
  for (let attempt = 1; ; attempt++) {
    const before = await taskProcess(files, options);
    if (!before) return undefined;
    if (!LIVE.has(before.state) || before.pid <= 0) return "stopped";
    const opened = await open(`/proc/${before.pid}/root`, O_RDONLY | O_DIRECTORY).then(
      (dir) => ({ dir, error: undefined }),
      (error: unknown) => ({ dir: undefined, error }),
    );
    let after: Awaited<ReturnType<typeof taskProcess>>;
    try {
      after = await taskProcess(files, options);
    } catch (err) {
      await opened.dir?.close();
      throw err;
    }
    const same = after?.pid === before.pid && LIVE.has(after.state);
    if (same && opened.dir) return opened.dir;
    await opened.dir?.close();
    // containerd says it runs, yet its /proc entry cannot be opened: not containerd's pid namespace.
    if (same) throw unreachable(files.info.id, before.pid, opened.error);
    if (attempt === 3) {
      throw new AbortedError(`copy: container "${files.info.id}"'s task kept changing; try again`);
    }
  }
}

async function taskProcess(
  { ctx, info }: ContainerFiles,
  options: OperationOptions,
): Promise<{ pid: number; state: ProcessState } | undefined> {
  try {
    const { process } = await ctx.services.tasks.get(
      { containerId: info.id, execId: "" },
      rawOptions({ signal: options.signal }, ctx.namespace),
    );
    return process && { pid: process.pid, state: toProcessState(process.status) };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function unreachable(id: string, pid: number, cause: unknown): FailedPreconditionError {
  return new FailedPreconditionError(
    `copy: cannot open /proc/${pid}/root of container "${id}"'s task: this process must run on ` +
      "containerd's host, in its pid namespace, as root",
    { cause },
  );
}

async function snapshotMounts(
  { ctx, info }: ContainerFiles,
  options: OperationOptions,
): Promise<RootfsMount[]> {
  const res = await ctx.services.snapshots.mounts(
    { snapshotter: info.snapshotter, key: info.snapshotKey },
    rawOptions({ signal: options.signal }, ctx.namespace),
  );
  return fromMounts(res.mounts);
}

/** Mounts `mounts` on a temp dir, opens it and detaches the mounts (see the module comment). */
async function mountBriefly(mounts: readonly RootfsMount[], access: Access): Promise<FileHandle> {
  const target = await mkdtemp(join(tmpdir(), "containerd-sdk-copy-"));
  let mounted = 0;
  let dir: FileHandle | undefined;
  try {
    for (const args of mountCommands([...mounts], access, target)) {
      await tool("mount", args);
      mounted++;
    }
    dir = await open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    for (; mounted > 0; mounted--) await tool("umount", ["-l", target]);
    return dir;
  } catch (err) {
    await dir?.close();
    for (; mounted > 0; mounted--) await tool("umount", ["-l", target]).catch(() => {});
    throw err;
  } finally {
    await rmdir(target).catch(() => {});
  }
}

async function tool(name: string, args: string[]): Promise<void> {
  try {
    await run(name, args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new UnknownError(`copy: ${name} ${args.join(" ")} failed: ${stderr || String(err)}`, {
      cause: err,
    });
  }
}
