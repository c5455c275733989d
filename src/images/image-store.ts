/**
 * The image records of a namespace: get, create, and store (create or move a name), shared by
 * `client.images` and the import, pull and checkpoint paths that make images.
 *
 * @module
 */
import { checkCallOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import { checkStringRecord, invalid, isRecord } from "../base/validate.js";
import { InvalidArgumentError, isAlreadyExists, isNotFound } from "../errors/index.js";
import type { ImagesContext } from "./context.js";
import { type Descriptor, isDigest, toWireDescriptor } from "./descriptor.js";
import { Image, toImageInfo } from "./image.js";

/** What `images.create` takes. */
export interface CreateImageOptions extends OperationOptions {
  labels?: Record<string, string>;
}

/** @internal The image named `name` (one RPC); NotFoundError when there is none. */
export async function getImage(ctx: ImagesContext, name: string, options?: OperationOptions): Promise<Image> {
  options = checkCallOptions(options);
  assertImageName(name);
  const res = await ctx.services.images.get({ name }, rawOptions(options, ctx.namespace));
  return new Image(ctx, toImageInfo(res.image));
}

/** @internal Creates an image record pointing at `target` (one RPC); AlreadyExistsError if taken. */
export async function createImage(
  ctx: ImagesContext,
  name: string,
  target: Descriptor,
  options: CreateImageOptions = {},
): Promise<Image> {
  options = checkCallOptions(options);
  assertImageName(name);
  assertTarget(target);
  const res = await ctx.services.images.create(
    { image: imageRecord(name, target, options.labels) },
    rawOptions(options, ctx.namespace),
  );
  return new Image(ctx, toImageInfo(res.image));
}

/**
 * @internal Points `name` at `target`, creating the record or moving an existing one (its labels
 * are replaced when given).
 */
export async function storeImage(
  ctx: ImagesContext,
  name: string,
  target: Descriptor,
  options: CreateImageOptions = {},
): Promise<Image> {
  options = checkCallOptions(options);
  try {
    return await createImage(ctx, name, target, options);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const mask = options.labels ? ["target", "labels"] : ["target"];
  try {
    const res = await ctx.services.images.update(
      { image: imageRecord(name, target, options.labels), updateMask: mask },
      rawOptions(options, ctx.namespace),
    );
    return new Image(ctx, toImageInfo(res.image));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return createImage(ctx, name, target, options); // deleted in between
  }
}

/** @internal An image name must be a non-empty string. */
export function assertImageName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "") {
    throw new InvalidArgumentError("name: an image name is required", { field: "name" });
  }
}

function assertTarget(target: Descriptor): void {
  if (!isRecord(target) || !isDigest(target.digest)) {
    throw invalid(
      "target",
      isRecord(target) ? target.digest : target,
      "is not a descriptor with a sha256 digest",
    );
  }
  if (!target.mediaType) throw new InvalidArgumentError("target.mediaType: required", { field: "target" });
  if (!(target.size > 0)) throw new InvalidArgumentError("target.size: must be > 0", { field: "target" });
}

/** The wire record for an image; labels are checked here, before any RPC. */
function imageRecord(name: string, target: Descriptor, labels: Record<string, string> | undefined) {
  return {
    name,
    labels: checkStringRecord("labels", labels ?? {}),
    target: toWireDescriptor(target),
    createdAt: undefined,
    updatedAt: undefined,
  };
}
