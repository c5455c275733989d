import type { OperationOptions } from "../base/call-options.js";
import type { NetworkRequest } from "../network/index.js";
import type { SpecOptions } from "../oci/index.js";
import type { AnyValue, RuncOptions } from "../runtime/container-info.js";
import type { RootfsMount } from "../runtime/rootfs-mounts.js";

/** The runtime containerd uses unless told otherwise. */
export const DEFAULT_RUNTIME = "io.containerd.runc.v2";

/**
 * What `containers.create` takes: spec options (args, env, …) plus where the rootfs comes from. With
 * `spec`, the options (and an image's config) apply on top of that spec instead of the default one.
 */
export interface CreateContainerOptions extends SpecOptions, OperationOptions {
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
  /**
   * The command's first words, as `docker run --entrypoint`: the process runs `[...entrypoint,
   * ...args]`. With `image`, it replaces the image's Entrypoint and drops the image's Cmd (so `args`
   * is the whole rest); `[]` clears the image's Entrypoint.
   */
  entrypoint?: string[];
  /**
   * Snapshotter for an image's rootfs snapshot. Default: the namespace's
   * `containerd.io/defaults/snapshotter` label, else `overlayfs`.
   */
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
  /**
   * The container's network (`client.networks`): `"none"` (default: loopback only, as without this
   * option), `"host"`, a network's name (`"bridge"` is the default network, made on first use),
   * `{ name, ports, aliases }` to publish ports and add names, or `{ container }` to share another
   * container's. Its namespace, host ports and /etc files are made before the record is stored;
   * the CNI ADD finishes while the first `newTask()` creates the task, which waits for it and
   * rejects with its error if it fails. Torn down by `delete()`. Not on a remote client.
   */
  network?: NetworkRequest;
}

/** What `containers.list` takes. */
export interface ListContainersOptions extends OperationOptions {
  /** containerd filters (`labels."app"==web`, `id~=^db-`); several are OR'd. */
  filters?: string[];
}
