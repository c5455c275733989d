import { type OperationOptions, rawOptions } from "../base/call-options.js";
import { assertIdentifier } from "../base/identifiers.js";
import { InvalidArgumentError } from "../errors/index.js";
import { Status } from "../gen/github.com/containerd/containerd/api/types/task/task.js";
import { encodeAny } from "../typeurl/index.js";
import { Content } from "./content.js";
import type { ImagesContext } from "./context.js";
import { fromWireDescriptor, sha256Digest } from "./descriptor.js";
import type { Image } from "./image.js";
import { createImage } from "./image-store.js";
import { Leases } from "./leases.js";
import { childLabels } from "./manifest.js";
import { MediaType } from "./media-types.js";

/** runc's checkpoint options type (`io.containerd.runc.v2`). */
const CHECKPOINT_OPTIONS_TYPE_URL = "containerd.runc.v1.CheckpointOptions";

/** What a checkpoint takes. */
export interface CheckpointOptions extends OperationOptions {
  /** Image name for the checkpoint. Default `checkpoint-<container>-<time>`. */
  name?: string;
  /** Stop the task after checkpointing it (runc `--leave-running=false`). Default false. */
  exit?: boolean;
}

/**
 * Checkpoints a running task with CRIU (Tasks.Checkpoint, pausing it around the call as the Go
 * client does) and stores the result as an image labelled `containerd.io/checkpoint=true`. Needs
 * CRIU on the daemon's host: without it containerd answers with a typed error and the task is
 * resumed, untouched.
 * @internal Called by the task handle; exported on `client.images.checkpoint`.
 */
export async function checkpointTask(
  ctx: ImagesContext,
  containerId: string,
  options: CheckpointOptions = {},
): Promise<Image> {
  assertIdentifier(containerId, "containerId");
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    throw new InvalidArgumentError("name: must be a non-empty image name", { field: "name" });
  }
  const name = options.name ?? `checkpoint-${containerId}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const raw = rawOptions(options, ctx.namespace);
  const tasks = ctx.services.tasks;
  const { process } = await tasks.get({ containerId, execId: "" }, raw);
  const pause = process?.status !== Status.PAUSED;
  if (pause) await tasks.pause({ containerId }, raw);
  try {
    return await new Leases(ctx).withLease(async () => {
      const res = await tasks.checkpoint(
        {
          containerId,
          parentCheckpoint: "",
          options: encodeAny(CHECKPOINT_OPTIONS_TYPE_URL, { exit: options.exit ?? false }),
        },
        raw,
      );
      const index = {
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: res.descriptors.map(fromWireDescriptor),
        annotations: {},
      };
      const body = Buffer.from(JSON.stringify(index));
      const digest = sha256Digest(body);
      await new Content(ctx).write(body, {
        expected: digest,
        size: body.length,
        labels: childLabels(index),
        signal: options.signal,
      });
      return createImage(
        ctx,
        name,
        { mediaType: MediaType.ociIndex, digest, size: body.length },
        { labels: { "containerd.io/checkpoint": "true" }, signal: options.signal },
      );
    });
  } finally {
    // With exit the task is gone after a successful checkpoint; otherwise it runs on.
    if (pause) await tasks.resume({ containerId }, { namespace: ctx.namespace }).catch(() => {});
  }
}
