import { createHash } from "node:crypto";
import type { Client } from "../../client.js";
import type { Container } from "../../container.js";
import { isNotFound } from "../../errors/index.js";
import type { Task } from "../../task.js";
import type { CheckedServiceOptions } from "./options.js";
import { poll } from "./wait/poll.js";

/** JSON with object keys sorted, so equal options hash equal whatever order they were written in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return createHash("sha256").update(v).digest("hex");
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/**
 * @internal The hash a reusable service is found by: every option that shapes the container
 * (not `wait`, `startupTimeout`, `reuse` or `signal`). Files count by content, or by `source` path.
 */
export function reuseHash(o: CheckedServiceOptions): string {
  const { image, rootfs, ports, env, args, entrypoint, files, user, resources, aliases, name, labels } = o;
  const shape = {
    image,
    rootfs,
    ports,
    env,
    args,
    entrypoint,
    files,
    user,
    resources,
    aliases,
    name,
    labels,
  };
  return createHash("sha256").update(stableJson(shape)).digest("hex").slice(0, 16);
}

/** @internal A reusable service's container id: fixed by its hash, so two starts find one container. */
export function reuseId(o: CheckedServiceOptions, hash: string): string {
  return `${o.name}-reuse-${hash}`;
}

/**
 * @internal The container `id` with its running task, or undefined when there is none; one that
 * exists without a running task is deleted, so it can be made again.
 */
export async function findRunning(
  client: Client,
  id: string,
  signal: AbortSignal,
): Promise<{ container: Container; task: Task } | undefined> {
  let container: Container;
  try {
    container = await client.containers.load(id, { signal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const task = await container.task({ signal }).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (task && (await task.status({ signal })).status === "running") return { container, task };
  await container.delete({ force: true, signal });
  return undefined;
}

/**
 * @internal Container `id` once its task runs: for a reusable service another start is making at
 * the same moment (its create won the race). Polls until `signal` aborts.
 */
export async function awaitRunning(
  client: Client,
  id: string,
  signal: AbortSignal,
): Promise<{ container: Container; task: Task }> {
  let found: { container: Container; task: Task } | undefined;
  await poll(signal, async (inner) => {
    const container = await client.containers.load(id, { signal: inner });
    const task = await container.task({ signal: inner });
    if ((await task.status({ signal: inner })).status !== "running") return false;
    found = { container, task };
    return true;
  });
  return found as { container: Container; task: Task };
}
