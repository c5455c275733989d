import { randomBytes } from "node:crypto";
import { race } from "abort-controller-x";
import type { Client } from "../../client.js";
import type { Container } from "../../container.js";
import type { CreateContainerOptions } from "../../containers/create-options.js";
import { isAlreadyExists } from "../../errors/index.js";
import type { Task } from "../../task.js";
import { debug } from "../log.js";
import { ServiceStartError, StartupTimeoutError } from "./errors.js";
import { ensureImage } from "./image-source.js";
import { lastLogLines } from "./last-logs.js";
import { type CheckedServiceOptions, checkServiceOptions, type ServiceOptions } from "./options.js";
import { awaitRunning, findRunning, reuseHash, reuseId } from "./reuse.js";
import { ServiceHandle } from "./service-handle.js";
import { REUSE_LABEL, SESSION_LABEL, sessionId } from "./session.js";
import { reuseNetwork, sessionNetwork } from "./session-network.js";
import { type StartupDeadline, startupDeadline } from "./startup-deadline.js";
import { all } from "./wait/all.js";
import { forPort } from "./wait/for-port.js";
import type { WaitStrategy } from "./wait/types.js";
import { ensureWatchdog } from "./watchdog.js";

/** What one start has made so far: what a failure removes. */
interface Attempt {
  readonly client: Client;
  id?: string;
  /** Set once `containers.create` is called: from then on a container `id` may exist. */
  creating: boolean;
  container?: Container;
  reused: boolean;
  /** What the wait is waiting for, once it has begun. */
  waitingFor?: string;
}

class TaskExited extends Error {
  constructor(readonly exitCode: number) {
    super(`its task exited with code ${exitCode} before it was ready`);
  }
}

/** `wait`, or else every published port listening. */
function strategyOf(o: CheckedServiceOptions): WaitStrategy | undefined {
  if (o.wait) return o.wait;
  return o.ports.length > 0 ? all(...o.ports.map((p) => forPort(p.containerPort))) : undefined;
}

/** Waits for the strategy, failing early if the task exits first. */
async function ready(a: Attempt, handle: ServiceHandle, o: CheckedServiceOptions, signal: AbortSignal) {
  const strategy = strategyOf(o);
  if (!strategy) return handle;
  a.waitingFor = strategy.description;
  const exited = (inner: AbortSignal) =>
    handle.task.wait({ signal: inner }).then(({ exitCode }) => Promise.reject(new TaskExited(exitCode)));
  await race(signal, (inner) => [strategy.waitUntilReady(handle, inner), exited(inner)]);
  return handle;
}

/** `containers.create`'s options for the service, without the ones it leaves out. */
function createOptions(
  o: CheckedServiceOptions,
  image: string | undefined,
  network: string,
  label: [string, string],
) {
  const { rootfs, args, entrypoint, env, user, resources, aliases, labels } = o;
  const picked: CreateContainerOptions = { args, entrypoint, env, user, resources };
  for (const key of Object.keys(picked) as (keyof CreateContainerOptions)[]) {
    if (picked[key] === undefined) delete picked[key];
  }
  const source = image === undefined ? { rootfs } : { image };
  const ports = o.ports;
  return {
    ...picked,
    ...source,
    labels: { ...labels, [label[0]]: label[1] },
    network: { name: network, ports, ...(aliases ? { aliases } : {}) },
  };
}

/** A handle on a reusable service's running container, found rather than made. */
function reusedHandle(a: Attempt, found: { container: Container; task: Task }): ServiceHandle {
  a.reused = true;
  debug("service %s: reused", a.id);
  return new ServiceHandle({ client: a.client, ...found, reused: true, keep: true });
}

/** Makes the container and starts its task: the session's, or a reusable one labelled `hash`. */
async function launch(a: Attempt, o: CheckedServiceOptions, hash: string | undefined, signal: AbortSignal) {
  const { client } = a;
  const image = o.image === undefined ? undefined : await ensureImage(client, o.image, signal);
  if (!hash) ensureWatchdog(client);
  const network = hash ? await reuseNetwork(client) : await sessionNetwork(client);
  const label: [string, string] = hash ? [REUSE_LABEL, hash] : [SESSION_LABEL, sessionId()];
  const id = a.id as string;
  a.creating = true;
  const container = await client.containers
    .create(id, { ...createOptions(o, image, network, label), signal })
    .catch((err: unknown) => {
      if (!hash || !isAlreadyExists(err)) throw err;
      a.creating = false; // another start of the same reusable service made it first
      return undefined;
    });
  if (!container) return reusedHandle(a, await awaitRunning(client, id, signal));
  a.container = container;
  if (o.files && o.files.length > 0) await container.copyTo(o.files, { signal });
  const task: Task = await container.newTask({ log: true, signal });
  await task.start({ signal });
  const keep = hash !== undefined;
  return new ServiceHandle({ client, container, task, reused: false, keep });
}

async function start(a: Attempt, o: CheckedServiceOptions, signal: AbortSignal): Promise<ServiceHandle> {
  const hash = o.reuse ? reuseHash(o) : undefined;
  a.id = hash ? reuseId(o, hash) : `${o.name}-${randomBytes(4).toString("hex")}`;
  const found = hash ? await findRunning(a.client, a.id, signal) : undefined;
  const handle = found ? reusedHandle(a, found) : await launch(a, o, hash, signal);
  return ready(a, handle, o, signal);
}

/** Removes what the attempt made; never throws. */
async function abandon(a: Attempt): Promise<void> {
  if (!a.reused && a.creating && a.id) {
    const container = a.container ?? (await a.client.containers.load(a.id).catch(() => undefined));
    await container
      ?.delete({ force: true })
      .catch((err: Error) => debug("abandon %s: %s", a.id, err.message));
  }
}

/** The error a failed start rejects with, once what it made is gone. */
async function failure(a: Attempt, o: CheckedServiceOptions, err: unknown, deadline: StartupDeadline) {
  const logs = a.container ? await lastLogLines(a.container) : [];
  await abandon(a);
  const what = `service ${a.id ?? o.name}`;
  const waiting = a.waitingFor ? ` (waiting for ${a.waitingFor})` : "";
  if (deadline.timedOut()) {
    return new StartupTimeoutError(`${what}: not ready within ${o.startupTimeout} ms${waiting}`, logs, {
      cause: err,
    });
  }
  if (o.signal?.aborted || a.waitingFor === undefined) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ServiceStartError(`${what}: ${message}${err instanceof TaskExited ? "" : waiting}`, logs, {
    cause: err,
  });
}

/**
 * Starts a service for a test: a container from `image` (pulled if missing) or `rootfs`, with
 * `ports` published on the session's own bridge network, `files` copied in, its task started with
 * `log: true`, and resolves once `wait` says it is ready. `startupTimeout` (default 60 s) bounds all
 * of it. Everything it makes carries the session label, and a watchdog process removes it if this
 * process dies before disposing it.
 *
 * @throws StartupTimeoutError when time runs out; ServiceStartError when the task exits or the wait
 * fails for good (both carry the container's last log lines and leave nothing behind);
 * InvalidArgumentError for bad options, before anything is made.
 *
 * @example
 * ```ts
 * await using redis = await startService(client, {
 *   image: "docker.io/library/redis:7", ports: [6379], wait: wait.forLog(/Ready to accept connections/),
 * });
 * const port = redis.port(6379); // on redis.host
 * ```
 */
export async function startService(client: Client, options: ServiceOptions): Promise<ServiceHandle> {
  const o = checkServiceOptions(options);
  o.signal?.throwIfAborted();
  const deadline = startupDeadline(o.startupTimeout, o.signal);
  const attempt: Attempt = { client, creating: false, reused: false };
  try {
    return await start(attempt, o, deadline.signal);
  } catch (err) {
    throw await failure(attempt, o, err, deadline);
  } finally {
    deadline.clear();
  }
}
