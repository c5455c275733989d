/**
 * A container's network as the handles see it: the attachment `containers.create` makes before
 * Containers.Create and writes into the record's spec, what a task reports as its network, and the
 * detach after Containers.Delete. A container without `network` (or `"none"`) touches none of it:
 * its spec, RPCs and files stay as they were.
 *
 * @module
 */
import { invalid, isRecord } from "../base/validate.js";
import { InvalidArgumentError, isNotFound } from "../errors/index.js";
import type { Container as ContainerRecord } from "../gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import {
  applyNetwork,
  type NetworkAttachment,
  type NetworkInfo,
  Networks,
  type NetworksOptions,
} from "../network/index.js";
import { type AttachRequest, checkAttachRequest, checkHostName } from "../network/validate.js";
import type { Spec } from "../oci/index.js";
import type { RawServices } from "../rpc/services.js";
import type { ContainerInfo } from "../runtime/container-info.js";
import { decodeAny, encodeAny, SPEC_TYPE_URL } from "../typeurl/index.js";
import type { CreateContainerOptions } from "./create-options.js";
import type { HandleContext } from "./handle-context.js";

/**
 * @internal Checks `options.network` (InvalidArgumentError naming the field) and, when it needs an
 * attachment, the host name it will carry, before any work. A remote client is refused anything but
 * `"none"`: the plugins, namespaces and rules would be made on this host, not on containerd's.
 */
export function checkNetworkOption(ctx: HandleContext, options: CreateContainerOptions): AttachRequest {
  const request = checkAttachRequest(options.network);
  if (request.mode === "none") return request;
  if (options.hostname !== undefined) checkHostName(options.hostname, "hostname");
  if (ctx.remote) {
    throw new InvalidArgumentError(
      `network: ${JSON.stringify(options.network)} is set up with CNI on the daemon's host, and this client ` +
        'reaches containerd over TCP (perhaps on another host); only "none" works remotely',
      { field: "network" },
    );
  }
  return request;
}

/**
 * @internal Attaches container `id` as `options.network` asks, before its record exists; undefined
 * (and nothing made) for `"none"`. A bridge attachment's CNI ADD runs on after this returns, for the
 * first task to wait for (see {@link networkOf}).
 */
export async function attachNetwork(
  ctx: HandleContext,
  id: string,
  options: CreateContainerOptions,
): Promise<NetworkAttachment | undefined> {
  if (checkAttachRequest(options.network).mode === "none") return undefined;
  const hostname = options.hostname === undefined ? {} : { hostname: options.hostname };
  return ctx.networks.begin(id, options.network ?? "none", { ...hostname, signal: options.signal });
}

/** @internal Rewrites the record's spec to join `attachment`'s namespace and mount its /etc files. */
export function withNetwork(record: ContainerRecord, attachment: NetworkAttachment): void {
  if (!record.spec) return;
  const spec = decodeAny(record.spec).value as Spec;
  record.spec = encodeAny(SPEC_TYPE_URL, applyNetwork(spec, attachment));
}

/** The network namespace path the spec joins, if it joins one by path (an SDK attachment does). */
function joinedNetns(info: ContainerInfo): string | undefined {
  return info.spec.linux?.namespaces?.find((ns) => ns.type === "network")?.path;
}

/**
 * @internal {@link networkOf} for the container's new task: rejects with what made the attachment
 * `containers.create` began fail, once it is undone.
 */
export async function newTaskNetwork(
  ctx: HandleContext,
  info: ContainerInfo,
): Promise<NetworkInfo | undefined> {
  if (ctx.remote || joinedNetns(info) === undefined) return undefined;
  await ctx.networks.ready(info.id);
  return networkOf(ctx, info);
}

/**
 * @internal What a task of the container reports as its network: read from the attachment cache
 * (any process's), and only when the spec joins a namespace by path, so a container without a
 * network costs no read. Undefined for `"none"` and `"host"`, and for an attachment that failed.
 */
export async function networkOf(ctx: HandleContext, info: ContainerInfo): Promise<NetworkInfo | undefined> {
  if (ctx.remote || joinedNetns(info) === undefined) return undefined;
  const attachment = await ctx.networks.attachmentOf(info.id);
  if (!attachment || attachment.mode === "host" || attachment.mode === "none") return undefined;
  const { name, ip, gateway, ports } = attachment;
  return {
    name,
    ...(ip === undefined ? {} : { ip }),
    ...(gateway === undefined ? {} : { gateway }),
    ports,
  };
}

/** @internal Undoes container `id`'s attachment after its record is gone; quiet when it has none. */
export async function detachNetwork(ctx: HandleContext, id: string, signal?: AbortSignal): Promise<void> {
  if (ctx.remote) return;
  await ctx.networks.detach(id, signal ? { signal } : {});
}

/**
 * @internal Whether container `id` exists in `namespace` (one Containers.Get): the `isAlive` with
 * which `client.networks.prune()` finds attachments whose container is gone.
 */
export async function containerExists(
  services: RawServices,
  id: string,
  namespace: string,
): Promise<boolean> {
  try {
    await services.containers.get({ id }, { namespace });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** @internal Checks `ConnectOptions.network` before connecting; the view fills in the rest. */
export function checkClientNetworkOptions(value: unknown): NetworksOptions {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid("network", value, "must be an object of network options");
  for (const key of ["namespace", "isAlive"]) {
    if (key in value) throw invalid(`network.${key}`, value[key], "is the client view's own; leave it out");
  }
  new Networks(value); // checks every field
  return { ...value };
}
