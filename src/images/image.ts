import { checkCallOptions, checkOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import { OPERATION_OPTION_KEYS } from "../base/option-keys.js";
import { checkStringRecord } from "../base/validate.js";
import { isNotFound } from "../errors/index.js";
import type { Image as WireImage } from "../gen/github.com/containerd/containerd/api/services/images/v1/images.js";
import { chainIds } from "./chain-id.js";
import type { ImagesContext } from "./context.js";
import { type Descriptor, fromWireDescriptor, type Platform, toWireDescriptor } from "./descriptor.js";
import { type ImageConfig, type ResolvedManifest, resolveManifest } from "./manifest.js";
import { hostPlatform } from "./platform.js";
import { DEFAULT_SNAPSHOTTER, Snapshotter } from "./snapshots.js";
import { unpack } from "./unpack.js";

/** What an image record holds. */
export interface ImageInfo {
  name: string;
  target: Descriptor;
  labels: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

/** Options of the image methods that pick a platform's manifest. */
export interface ImagePlatformOptions extends OperationOptions {
  /** Default: the host's. */
  platform?: Platform;
}

/** Options of unpack and isUnpacked. */
export interface UnpackOptions extends ImagePlatformOptions {
  /** Default `overlayfs`. */
  snapshotter?: string;
}

/**
 * An image record of one namespace: its name, target and labels as last read, plus methods that
 * read its manifest and config from the content store and unpack it into snapshots.
 */
export class Image implements AsyncDisposable {
  readonly #ctx: ImagesContext;
  #info: ImageInfo;

  /** @internal */
  constructor(ctx: ImagesContext, info: ImageInfo) {
    this.#ctx = ctx;
    this.#info = info;
  }

  /** The image's name, e.g. `docker.io/library/busybox:latest`. */
  get name(): string {
    return this.#info.name;
  }

  /** The descriptor the name points at: a manifest or an index. */
  get target(): Descriptor {
    return this.#info.target;
  }

  /** Labels as last read. */
  get labels(): Record<string, string> {
    return { ...this.#info.labels };
  }

  /** The record as last read. */
  info(): ImageInfo {
    return { ...this.#info, labels: { ...this.#info.labels } };
  }

  /** The manifest for a platform (default the host's), with its config. */
  async manifest(options: ImagePlatformOptions = {}): Promise<ResolvedManifest> {
    options = checkCallOptions(options);
    return resolveManifest(this.#ctx, this.target, options.platform ?? hostPlatform(), options, this.name);
  }

  /** The image configuration (entrypoint, env, diff IDs…) for a platform. */
  async config(options: ImagePlatformOptions = {}): Promise<ImageConfig> {
    options = checkCallOptions(options);
    return (await this.manifest(options)).config;
  }

  /** Bytes of the image's content for a platform: target, manifest, config and layers (compressed). */
  async size(options: ImagePlatformOptions = {}): Promise<number> {
    options = checkCallOptions(options);
    const { descriptor, manifest } = await this.manifest(options);
    let total = descriptor.size + manifest.config.size;
    if (descriptor.digest !== this.target.digest) total += this.target.size;
    for (const layer of manifest.layers) total += layer.size;
    return total;
  }

  /** The chain ID of the image's top layer: the snapshot a container's rootfs is prepared on. */
  async chainId(options: ImagePlatformOptions = {}): Promise<string> {
    options = checkCallOptions(options);
    const config = await this.config(options);
    return chainIds(config.rootfs?.diff_ids ?? []).at(-1) ?? "";
  }

  /** Unpacks the layers into committed snapshots (those present are skipped); returns the top chain ID. */
  async unpack(options: UnpackOptions = {}): Promise<string> {
    options = checkCallOptions(options);
    const resolved = await this.manifest(options);
    return unpack(this.#ctx, resolved, options.snapshotter ?? DEFAULT_SNAPSHOTTER, options);
  }

  /** Whether the image's top snapshot exists in the snapshotter. */
  async isUnpacked(options: UnpackOptions = {}): Promise<boolean> {
    options = checkCallOptions(options);
    const chainId = await this.chainId(options);
    try {
      await new Snapshotter(this.#ctx, options.snapshotter ?? DEFAULT_SNAPSHOTTER).stat(chainId, options);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Sets the given labels (an empty value removes one), leaving the others; returns the labels after. */
  async setLabels(
    labels: Record<string, string>,
    options?: OperationOptions,
  ): Promise<Record<string, string>> {
    labels = checkStringRecord("labels", labels);
    options = checkOptions(options, OPERATION_OPTION_KEYS);
    const res = await this.#ctx.services.images.update(
      {
        // The held target goes too: containerd 1.7 and 2.x crash on an update without one, whatever the mask.
        image: {
          name: this.name,
          labels,
          target: toWireDescriptor(this.target),
          createdAt: undefined,
          updatedAt: undefined,
        },
        updateMask: Object.keys(labels).map((k) => `labels.${k}`),
      },
      rawOptions(options, this.#ctx.namespace),
    );
    this.#info = toImageInfo(res.image, this.#info);
    return this.labels;
  }

  /** Reads the record again (one RPC). */
  async refresh(options?: OperationOptions): Promise<ImageInfo> {
    options = checkCallOptions(options);
    const res = await this.#ctx.services.images.get(
      { name: this.name },
      rawOptions(options, this.#ctx.namespace),
    );
    this.#info = toImageInfo(res.image, this.#info);
    return this.info();
  }

  /** Deletes the record; with `sync`, after GC has removed what only it held. */
  async delete(options: OperationOptions & { sync?: boolean } = {}): Promise<void> {
    options = checkCallOptions(options);
    await this.#ctx.services.images.delete(
      { name: this.name, sync: options.sync ?? false },
      rawOptions(options, this.#ctx.namespace),
    );
  }

  /**
   * Deletes the image record (`await using`), quietly when it is already gone; its content and
   * snapshots go with the next GC once nothing else holds them.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete().catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/** @internal */
export function toImageInfo(image: WireImage | undefined, fallback?: ImageInfo): ImageInfo {
  if (!image) {
    if (fallback) return fallback;
    throw new Error("containerd returned no image record");
  }
  return {
    name: image.name,
    target: fromWireDescriptor(image.target),
    labels: { ...image.labels },
    createdAt: image.createdAt ?? new Date(0),
    updatedAt: image.updatedAt ?? new Date(0),
  };
}
