import type { OperationOptions } from "../base/call-options.js";
import { withDeadline } from "../base/deadline.js";
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
  /** Milliseconds for the whole checkpoint; past it, DeadlineExceededError (the task is resumed). */
  timeout?: number;
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
  const exit = options.exit ?? false;
  return withDeadline(`checkpoint of ${containerId}`, options, (signal) =>
    checkpointPaused({ ctx, containerId, name, exit, signal }),
  );
}

/** What one checkpoint works with. */
interface CheckpointJob {
  ctx: ImagesContext;
  containerId: string;
  /** The image's name. */
  name: string;
  exit: boolean;
  signal: AbortSignal | undefined;
}

/** Pauses the task unless it is paused, checkpoints it into an image, and resumes it whatever happens. */
async function checkpointPaused(job: CheckpointJob): Promise<Image> {
  const { ctx, containerId, signal } = job;
  const raw = { signal, namespace: ctx.namespace };
  const tasks = ctx.services.tasks;
  const { process } = await tasks.get({ containerId, execId: "" }, raw);
  const pause = process?.status !== Status.PAUSED;
  if (pause) await tasks.pause({ containerId }, raw);
  try {
    return await new Leases(ctx).withLease(() => storeCheckpoint(job));
  } finally {
    // With exit the task is gone after a successful checkpoint; otherwise it runs on. Without the
    // signal: a task must not stay paused because the caller gave up.
    if (pause) await tasks.resume({ containerId }, { namespace: ctx.namespace }).catch(() => {});
  }
}

/** Tasks.Checkpoint, then an OCI index of what it wrote, then the image record pointing at it. */
async function storeCheckpoint({ ctx, containerId, name, exit, signal }: CheckpointJob): Promise<Image> {
  const res = await ctx.services.tasks.checkpoint(
    { containerId, parentCheckpoint: "", options: encodeAny(CHECKPOINT_OPTIONS_TYPE_URL, { exit }) },
    { signal, namespace: ctx.namespace },
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
    signal,
  });
  const target = { mediaType: MediaType.ociIndex, digest, size: body.length };
  return createImage(ctx, name, target, { labels: { "containerd.io/checkpoint": "true" }, signal });
}
