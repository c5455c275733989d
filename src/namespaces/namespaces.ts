import { checkOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import { assertIdentifier } from "../base/identifiers.js";
import { OPERATION_OPTION_KEYS, optionKeys } from "../base/option-keys.js";
import { checkStringRecord } from "../base/validate.js";
import { NotFoundError } from "../errors/index.js";
import type { RawServices } from "../rpc/services.js";

/** A containerd namespace and its labels. */
export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** What `namespaces.create` takes. */
export interface CreateNamespaceOptions extends OperationOptions {
  /** Labels stored with the namespace (`containerd.io/defaults/runtime` …). */
  labels?: Record<string, string>;
}

const CREATE_KEYS = optionKeys<CreateNamespaceOptions>()([...OPERATION_OPTION_KEYS, "labels"]);

/** containerd's namespaces: `client.namespaces`. Names follow containerd's identifier rule. */
export class Namespaces {
  readonly #services: RawServices;

  /** @internal */
  constructor(services: RawServices) {
    this.#services = services;
  }

  /** Every namespace on the daemon, with its labels. */
  async list(options?: OperationOptions): Promise<NamespaceInfo[]> {
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const res = await this.#services.namespaces.list({}, rawOptions(options));
    return res.namespaces.map(toInfo);
  }

  /**
   * One namespace; NotFoundError when it does not exist. (containerd's Get answers any name with
   * empty labels, so this reads the list.)
   */
  async get(name: string, options?: OperationOptions): Promise<NamespaceInfo> {
    assertIdentifier(name, "name");
    const found = (await this.list(options)).find((ns) => ns.name === name);
    if (!found) throw new NotFoundError(`namespace "${name}"`);
    return found;
  }

  /** Creates a namespace, with `labels` if given; AlreadyExistsError when it exists. */
  async create(name: string, options?: CreateNamespaceOptions): Promise<NamespaceInfo> {
    assertIdentifier(name, "name");
    options = checkOptions(options, CREATE_KEYS);
    const labels = checkStringRecord("labels", options.labels ?? {});
    // containerd publishes a /namespaces/ event in the call's namespace: name it.
    const res = await this.#services.namespaces.create(
      { namespace: { name, labels } },
      rawOptions(options, name),
    );
    return toInfo(res.namespace ?? { name, labels });
  }

  /**
   * Sets the given labels and leaves the others alone (a field-mask update of those keys only);
   * returns all of the namespace's labels afterwards (read with a second RPC). An empty string
   * removes a label, as in containerd.
   */
  async setLabels(
    name: string,
    labels: Record<string, string>,
    options?: OperationOptions,
  ): Promise<Record<string, string>> {
    assertIdentifier(name, "name");
    labels = checkStringRecord("labels", labels);
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const paths = Object.keys(labels).map((key) => `labels.${key}`);
    await this.#services.namespaces.update(
      { namespace: { name, labels }, updateMask: paths },
      rawOptions(options, name),
    );
    // containerd's Update answers without the labels; Get is exact for a namespace that exists.
    const res = await this.#services.namespaces.get({ name }, rawOptions(options));
    return { ...res.namespace?.labels };
  }

  /** Deletes an empty namespace; FailedPreconditionError while it still holds anything. */
  async delete(name: string, options?: OperationOptions): Promise<void> {
    assertIdentifier(name, "name");
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    await this.#services.namespaces.delete({ name }, rawOptions(options, name));
  }
}

function toInfo(ns: { name: string; labels: Record<string, string> }): NamespaceInfo {
  return { name: ns.name, labels: { ...ns.labels } };
}
