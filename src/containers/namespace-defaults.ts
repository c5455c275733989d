/**
 * A namespace's own defaults, set by the labels `containerd.io/defaults/runtime` and
 * `containerd.io/defaults/snapshotter` as containerd's Go client reads them. Read once per
 * namespace per connection (the first create that needs them) and kept: relabelling a namespace
 * takes effect for new connections.
 *
 * @module
 */
import { abortable } from "abort-controller-x";
import { type OperationOptions, rawOptions } from "../base/call-options.js";
import { isNotFound } from "../errors/index.js";
import { DEFAULT_SNAPSHOTTER } from "../images/snapshots.js";
import type { RawServices } from "../rpc/services.js";
import type { HandleContext } from "./handle-context.js";

/** The namespace label naming the runtime for containers that name none. */
export const DEFAULT_RUNTIME_LABEL = "containerd.io/defaults/runtime";
/** The namespace label naming the snapshotter for containers that name none. */
export const DEFAULT_SNAPSHOTTER_LABEL = "containerd.io/defaults/snapshotter";

/** What a namespace's labels say; a field is absent when the label is not set. */
export interface NamespaceDefaults {
  runtime?: string;
  snapshotter?: string;
}

// Keyed by the connection's service stubs, which every namespace view of one Client shares.
const cache = new WeakMap<RawServices, Map<string, Promise<NamespaceDefaults>>>();

/**
 * The defaults of `ctx.namespace`: one Namespaces.Get the first time, then from the cache. The read
 * is shared, so it runs without any one caller's signal; aborting `signal` only stops this wait.
 */
export function namespaceDefaults(
  ctx: HandleContext,
  options?: OperationOptions,
): Promise<NamespaceDefaults> {
  let perConnection = cache.get(ctx.services);
  if (!perConnection) {
    perConnection = new Map();
    cache.set(ctx.services, perConnection);
  }
  let read = perConnection.get(ctx.namespace);
  if (!read) {
    const byName = perConnection;
    const fresh = readDefaults(ctx, { timeout: options?.timeout });
    byName.set(ctx.namespace, fresh);
    // A failed read (timeout, daemon away) is not the namespace's answer: ask again next time.
    fresh.catch(() => byName.delete(ctx.namespace));
    read = fresh;
  }
  return options?.signal ? abortable(options.signal, read) : read;
}

/** The snapshotter to use: `name` when given, else the namespace's label, else overlayfs. */
export async function resolveSnapshotter(
  ctx: HandleContext,
  name: string | undefined,
  options?: OperationOptions,
): Promise<string> {
  if (name) return name;
  return (await namespaceDefaults(ctx, options)).snapshotter ?? DEFAULT_SNAPSHOTTER;
}

async function readDefaults(
  ctx: HandleContext,
  options: OperationOptions | undefined,
): Promise<NamespaceDefaults> {
  let labels: Record<string, string>;
  try {
    const res = await ctx.services.namespaces.get({ name: ctx.namespace }, rawOptions(options));
    labels = res.namespace?.labels ?? {};
  } catch (err) {
    // A namespace that does not exist yet has no labels; containerd creates it on first use.
    if (!isNotFound(err)) throw err;
    labels = {};
  }
  const defaults: NamespaceDefaults = {};
  if (labels[DEFAULT_RUNTIME_LABEL]) defaults.runtime = labels[DEFAULT_RUNTIME_LABEL];
  if (labels[DEFAULT_SNAPSHOTTER_LABEL]) defaults.snapshotter = labels[DEFAULT_SNAPSHOTTER_LABEL];
  return defaults;
}
