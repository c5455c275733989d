/**
 * `client.networks`: the bridge networks the SDK keeps, and the attachments of containers to them.
 *
 * @module
 */

import { assertIdentifier } from "../base/identifiers.js";
import { checkOptionKeys } from "../base/option-keys.js";
import { checkAbsolutePath, invalid, isRecord } from "../base/validate.js";
import { ConflictError, isAlreadyExists, isNotFound } from "../errors/index.js";
import { attach, beginAttach } from "./attach.js";
import type { AttachOptions } from "./attach-plain.js";
import { completionOf, settleCompletion, settleCompletionsUnder } from "./completions.js";
import { type NetworkContext, type NetworksOptions, resolveContext } from "./context.js";
import { withLock } from "./lock.js";
import { createNetwork, listNetworks, readNetwork, removeNetwork } from "./network-store.js";
import { listRecords, readRecord, toAttachment } from "./records.js";
import { type SweepOptions, sweep } from "./sweep.js";
import { teardown } from "./teardown.js";
import type { Network, NetworkAttachment, NetworkCreateOptions, NetworkRequest } from "./types.js";
import {
  checkAttachRequest,
  checkCreateOptions,
  checkHostName,
  checkNetworkName,
  DEFAULT_NETWORK,
} from "./validate.js";

function checkAttachOptions(value: unknown): AttachOptions {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid("options", value, "must be an object");
  checkOptionKeys(value, ["hostname", "netnsPath", "signal"], "options");
  const out: AttachOptions = {};
  if (value.hostname !== undefined) out.hostname = checkHostName(value.hostname, "hostname");
  if (value.netnsPath !== undefined) out.netnsPath = checkAbsolutePath("netnsPath", value.netnsPath);
  if (value.signal !== undefined) {
    if (!(value.signal instanceof AbortSignal))
      throw invalid("signal", value.signal, "must be an AbortSignal");
    out.signal = value.signal;
  }
  return out;
}

/**
 * The bridge networks of one state directory and the attachments of one containerd namespace's
 * containers to them. Networks are conflists the SDK writes (bridge with host-local IPAM, portmap,
 * firewall, tuning); a container is attached before its task exists, in a network namespace pinned
 * to a file, which its spec joins by path (see `applyNetwork` in `spec.ts`). The default network,
 * `"bridge"`, is made on first use. Every method may be called from several processes at once.
 */
export class Networks {
  readonly #options: NetworksOptions;
  readonly #ctx: NetworkContext;

  constructor(options: NetworksOptions = {}) {
    this.#ctx = resolveContext(options);
    this.#options = { ...options };
  }

  /** Where this instance keeps its state. */
  get stateDir(): string {
    return this.#ctx.paths.root;
  }

  /** The containerd namespace whose containers this instance attaches. */
  get namespace(): string {
    return this.#ctx.namespace;
  }

  /** The same networks, attaching the containers of another containerd namespace. */
  withNamespace(namespace: string): Networks {
    return new Networks({ ...this.#options, namespace });
  }

  /**
   * Makes a bridge network. Without `subnet` a free /24 of 10.89.0.0/16 is picked, overlapping no
   * other network, route or nameserver of the host. AlreadyExistsError for a name in use,
   * ConflictError for a subnet or bridge taken on the host, InvalidArgumentError for bad input.
   */
  async create(name: string, options?: NetworkCreateOptions): Promise<Network> {
    checkNetworkName(name, "name");
    return createNetwork(this.#ctx, name, checkCreateOptions(options));
  }

  /** Every network made so far, by name. */
  list(): Promise<Network[]> {
    return listNetworks(this.#ctx);
  }

  /** Network `name`; `"bridge"` is made if missing. NotFoundError for any other missing name. */
  async get(name: string): Promise<Network> {
    checkNetworkName(name, "name");
    try {
      return await readNetwork(this.#ctx, name);
    } catch (err) {
      if (name !== DEFAULT_NETWORK || !isNotFound(err)) throw err;
    }
    try {
      return await createNetwork(this.#ctx, name, { labels: {} });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return readNetwork(this.#ctx, name); // made meanwhile by another caller
    }
  }

  /**
   * Removes a network: its bridge, isolation rules, IPAM data and conflist. ConflictError (409) while
   * containers are attached; NotFoundError when there is no such network.
   */
  async delete(name: string): Promise<void> {
    checkNetworkName(name, "name");
    await withLock(this.#ctx.paths.lock, async () => {
      const network = await readNetwork(this.#ctx, name);
      const attached = (await listRecords(this.#ctx.paths)).filter(
        (r) => r.mode === "bridge" && r.name === name,
      );
      if (attached.length > 0) {
        const ids = attached.map((r) => `${r.namespace}/${r.containerId}`).join(", ");
        throw new ConflictError(`containerd-sdk: network ${name} has containers attached: ${ids}`);
      }
      await removeNetwork(this.#ctx, network);
    });
  }

  /**
   * Attaches container `containerId` before its task exists and returns where it is: for a network,
   * a pinned namespace with the container's address, published ports (a free host port where none
   * was given) and /etc files. AlreadyExistsError when attached already, ConflictError for a host
   * port in use, NotImplementedError naming the Debian package when a plugin is missing. A failure
   * undoes everything it made.
   */
  async attach(
    containerId: string,
    request: NetworkRequest,
    options?: AttachOptions,
  ): Promise<NetworkAttachment> {
    return this.#attachWith(attach, containerId, request, options);
  }

  /**
   * @internal `attach` for `containers.create`: a bridge attachment comes back once its namespace,
   * ports and files exist, without its address; {@link Networks.ready} waits for the rest.
   */
  async begin(
    containerId: string,
    request: NetworkRequest,
    options?: AttachOptions,
  ): Promise<NetworkAttachment> {
    return this.#attachWith(beginAttach, containerId, request, options);
  }

  /** Checks an attach's arguments, then runs `how` (whole, or begun) with them. */
  async #attachWith(
    how: typeof attach,
    containerId: string,
    request: NetworkRequest,
    options?: AttachOptions,
  ): Promise<NetworkAttachment> {
    assertIdentifier(containerId, "containerId");
    const req = checkAttachRequest(request);
    const opts = checkAttachOptions(options);
    opts.signal?.throwIfAborted();
    return how(this.#ctx, containerId, req, opts, (name) => this.get(name));
  }

  /**
   * @internal Resolves once the attachment {@link Networks.begin} started for `containerId` is
   * complete; rejects with what made it fail. Undefined when this process completes none.
   */
  ready(containerId: string): Promise<void> | undefined {
    return completionOf(this.#ctx.paths.result(this.#ctx.namespace, containerId));
  }

  /**
   * @internal Resolves once every attachment this process is still completing in this state
   * directory is complete, whatever the outcome; undefined when none is.
   */
  settle(): Promise<void> | undefined {
    return settleCompletionsUnder(this.#ctx.paths.root);
  }

  /**
   * Undoes an attachment: CNI DEL with the cached result while the namespace is still pinned, then
   * unpins it and frees its address, ports and files. Quiet when there is none. A failing DEL throws
   * and keeps the cache entry, so the detach can be retried. Containers sharing this one's namespace
   * (`{ container }`) lose their network with it, as with Docker.
   */
  async detach(containerId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertIdentifier(containerId, "containerId");
    await settleCompletion(this.#ctx.paths.result(this.#ctx.namespace, containerId));
    const record = await readRecord(this.#ctx.paths, this.#ctx.namespace, containerId);
    if (!record) return;
    await teardown(this.#ctx, record, {
      del: true,
      quiet: record.state === "adding",
      signal: options.signal,
    });
  }

  /**
   * Container `containerId`'s attachment, read from the cache (any process's), or undefined. One
   * this process is still completing is waited for.
   */
  async attachmentOf(containerId: string): Promise<NetworkAttachment | undefined> {
    assertIdentifier(containerId, "containerId");
    await this.ready(containerId)?.catch(() => {});
    const record = await readRecord(this.#ctx.paths, this.#ctx.namespace, containerId);
    return record?.state === "ready" ? toAttachment(record) : undefined;
  }

  /** This namespace's attachments, or those on network `name`, once this process's are complete. */
  async attachments(name?: string): Promise<NetworkAttachment[]> {
    await this.settle();
    const records = await listRecords(this.#ctx.paths);
    return records
      .filter(
        (r) =>
          r.state === "ready" &&
          r.namespace === this.#ctx.namespace &&
          (name === undefined || r.name === name),
      )
      .map(toAttachment);
  }

  /**
   * Undoes the attachments (of every namespace) whose container `isAlive` denies, and the half-made
   * ones of processes that died; returns them.
   */
  sweep(
    isAlive: (containerId: string, namespace: string) => boolean | Promise<boolean>,
    options?: SweepOptions,
  ): Promise<NetworkAttachment[]> {
    return sweep(this.#ctx, isAlive, options);
  }

  /** The sweep (`sweep.ts`) with the `isAlive` given at construction (without one, only half-made attachments go). */
  prune(options?: SweepOptions): Promise<NetworkAttachment[]> {
    return sweep(this.#ctx, this.#ctx.isAlive ?? (() => true), options);
  }
}
