/**
 * Container records read back: one by id, or a namespace's, filtered.
 *
 * @module
 */
import { type OperationOptions, optionsObject, rawOptions } from "../base/call-options.js";
import { assertIdentifier } from "../base/identifiers.js";
import { checkStringArray } from "../base/validate.js";
import { InvalidArgumentError, isNotImplemented } from "../errors/index.js";
import type { Container as ContainerRecord } from "../gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import { type ContainerInfo, toContainerInfo } from "../runtime/container-info.js";
import type { ListContainersOptions } from "./create-options.js";
import type { HandleContext } from "./handle-context.js";

/** @internal Container `id`'s record (one RPC); NotFoundError when there is none. */
export async function loadContainer(
  ctx: HandleContext,
  id: string,
  options?: OperationOptions,
): Promise<ContainerInfo> {
  assertIdentifier(id, "id");
  const { services, hub, namespace } = ctx;
  void hub.ready(namespace).catch(() => {});
  const res = await services.containers.get({ id }, rawOptions(options, namespace));
  if (!res.container) throw new InvalidArgumentError(`containerd returned no record for "${id}"`);
  return toContainerInfo(res.container);
}

/** @internal The namespace's container records, optionally filtered; streamed when the daemon can. */
export async function listContainers(
  ctx: HandleContext,
  options: ListContainersOptions = {},
): Promise<ContainerInfo[]> {
  const { services, namespace } = ctx;
  const filters = checkStringArray("filters", optionsObject(options).filters ?? []);
  let records: ContainerRecord[];
  try {
    records = [];
    const stream = services.containers.listStream({ filters }, rawOptions(options, namespace));
    for await (const msg of stream) if (msg.container) records.push(msg.container);
  } catch (err) {
    // ListStream came in 1.4; older daemons answer UNIMPLEMENTED.
    if (!isNotImplemented(err)) throw err;
    records = (await services.containers.list({ filters }, rawOptions(options, namespace))).containers;
  }
  return records.map(toContainerInfo);
}
