import type { Readable, Writable } from "node:stream";
import { checkCallOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import { invalid } from "../base/validate.js";
import { type CheckpointOptions, checkpointTask } from "./checkpoint.js";
import type { ImagesContext } from "./context.js";
import type { Descriptor } from "./descriptor.js";
import { type ExportOptions, exportImages } from "./export.js";
import { Image, toImageInfo } from "./image.js";
import {
  assertImageName,
  type CreateImageOptions,
  createImage,
  getImage,
  storeImage,
} from "./image-store.js";
import { importImages } from "./import/import.js";
import type { ImportOptions } from "./import/types.js";
import { pullImage } from "./pull/pull.js";
import type { PullOptions } from "./pull/types.js";
import { pushImage } from "./push/push.js";
import type { PushOptions } from "./push/types.js";

export type { CreateImageOptions };

/** The namespace's images (`client.images`). */
export class Images {
  readonly #ctx: ImagesContext;

  /** @internal */
  constructor(ctx: ImagesContext) {
    this.#ctx = ctx;
  }

  /** The image named `name` (one RPC); NotFoundError when there is none. */
  get(name: string, options?: OperationOptions): Promise<Image> {
    return getImage(this.#ctx, name, options);
  }

  /** Images, optionally filtered (`name==…`, `name~=^docker.io/`, `labels."k"==v`, `target.digest==…`); OR'd. */
  async list(options: OperationOptions & { filters?: string[] } = {}): Promise<Image[]> {
    options = checkCallOptions(options);
    const res = await this.#ctx.services.images.list(
      { filters: options.filters ?? [] },
      rawOptions(options, this.#ctx.namespace),
    );
    return res.images.map((i) => new Image(this.#ctx, toImageInfo(i)));
  }

  /** Creates an image record pointing at `target` (one RPC); AlreadyExistsError if the name is taken. */
  create(name: string, target: Descriptor, options: CreateImageOptions = {}): Promise<Image> {
    return createImage(this.#ctx, name, target, options);
  }

  /**
   * Points `name` at `target`, creating the record or moving an existing one (its labels are
   * replaced when given). @internal What import and pull use.
   */
  store(name: string, target: Descriptor, options: CreateImageOptions = {}): Promise<Image> {
    return storeImage(this.#ctx, name, target, options);
  }

  /** Gives the image `source` a second name `name` (same target and labels); two RPCs. */
  async tag(source: string, name: string, options?: OperationOptions): Promise<Image> {
    options = checkCallOptions(options);
    const image = await this.get(source, options);
    return this.store(name, image.target, { ...options, labels: image.labels });
  }

  /** Deletes an image record; with `sync`, after GC has removed what only it held (one RPC). */
  async delete(name: string, options: OperationOptions & { sync?: boolean } = {}): Promise<void> {
    options = checkCallOptions(options);
    assertImageName(name);
    await this.#ctx.services.images.delete(
      { name, sync: options.sync ?? false },
      rawOptions(options, this.#ctx.namespace),
    );
  }

  /**
   * Imports an OCI layout tar or a `docker save` tar (a path or a stream), streaming its blobs into
   * the content store under one lease, and creates an image per name it carries. Returns them.
   * `timeout` bounds the whole import.
   */
  async import(source: string | Readable, options: ImportOptions = {}): Promise<Image[]> {
    options = checkCallOptions(options);
    return importImages(this.#ctx, source, options);
  }

  /**
   * Writes the named images as an OCI layout tar (with a Docker `manifest.json`) to `destination`.
   * `timeout` bounds the whole export.
   */
  async export(names: string | string[], destination: Writable, options: ExportOptions = {}): Promise<void> {
    options = checkCallOptions(options);
    const list = typeof names === "string" ? [names] : names;
    if (!Array.isArray(list)) throw invalid("names", names, "must be an image name or a list of them");
    for (const name of list) assertImageName(name);
    if (typeof (destination as Writable | undefined)?.write !== "function") {
      throw invalid("destination", destination, "must be a Writable stream");
    }
    await exportImages(this.#ctx, list, destination, options);
  }

  /**
   * Checkpoints container `containerId`'s running task with CRIU into an image named `name`
   * (label `containerd.io/checkpoint=true`). Without CRIU on the host, containerd's typed error.
   */
  async checkpoint(containerId: string, options: CheckpointOptions = {}): Promise<Image> {
    options = checkCallOptions(options);
    return checkpointTask(this.#ctx, containerId, options);
  }

  /**
   * Pulls an image from its registry (OCI distribution protocol), then unpacks it unless
   * `unpack: false`. Returns the image record. `timeout` bounds the whole pull.
   */
  async pull(reference: string, options: PullOptions = {}): Promise<Image> {
    options = checkCallOptions(options);
    return pullImage(this.#ctx, reference, options);
  }

  /**
   * Pushes image `name` to `reference` (`registry/repo:tag`) with the OCI distribution protocol, as
   * containerd's Go client does: layers and configs first (each skipped when the registry has it),
   * then the manifests, the root last at the tag. The whole index goes unless `platform` picks one
   * manifest. Resolves with the descriptor the reference now names; `timeout` bounds the whole push.
   */
  async push(name: string, reference: string, options: PushOptions = {}): Promise<Descriptor> {
    options = checkCallOptions(options);
    return pushImage(this.#ctx, name, reference, options);
  }
}
