import { setTimeout as sleep } from "node:timers/promises";
import { Progress } from "../../gen/github.com/containerd/containerd/api/types/transfer/progress.js";
import { type AnyValue, normalizeTypeUrl } from "../../typeurl/index.js";
import { fromWireDescriptor, toNumber } from "../descriptor.js";
import { isIndexType, isManifestType, MediaType } from "../media-types.js";
import type { TransferStream } from "../transfer/stream.js";
import type { PullOptions, PullProgress } from "./types.js";

const PROGRESS = "containerd.types.transfer.Progress";

/** The daemon's per-blob events; the others (`Resolving from …`, `saved`) name no bytes. */
const BLOB_EVENTS = new Set(["waiting", "downloading", "complete", "already exists"]);
const DONE_EVENTS = new Set(["complete", "already exists"]);

/**
 * @internal A Transfer progress message as a pull's {@link PullProgress}, or undefined for an event
 * that is not about one blob's bytes (or a message that is not a Progress).
 */
export function toPullProgress(message: AnyValue): PullProgress | undefined {
  if (normalizeTypeUrl(message.typeUrl) !== PROGRESS) return undefined;
  const p = Progress.decode(message.value);
  if (!p.desc || !BLOB_EVENTS.has(p.event)) return undefined;
  const { digest, mediaType, size } = fromWireDescriptor(p.desc);
  const total = toNumber(p.total) || size;
  const complete = DONE_EVENTS.has(p.event);
  return {
    digest,
    mediaType,
    kind: kindOf(mediaType),
    done: complete ? total : toNumber(p.progress),
    total,
    complete,
  };
}

function kindOf(mediaType: string): PullProgress["kind"] {
  if (isIndexType(mediaType)) return "index";
  if (isManifestType(mediaType)) return "manifest";
  // OCI configs (and artifacts' configs) say so; Docker's is `…container.image.v1+json`.
  return mediaType === MediaType.dockerConfig || /config/.test(mediaType) ? "config" : "layer";
}

/** How long progress that the daemon sent before finishing may take to reach `onProgress`. */
const PROGRESS_DRAIN_MS = 5000;

/** @internal Hands each blob's progress to `onProgress` until the daemon closes the stream; a throw goes to `fail`. */
export async function relayProgress(
  stream: TransferStream,
  onProgress: NonNullable<PullOptions["onProgress"]>,
  fail: (err: unknown) => void,
): Promise<void> {
  try {
    for (let next = await stream.received.next(); !next.done; next = await stream.received.next()) {
      const progress = toPullProgress(next.value);
      if (!progress) continue;
      try {
        onProgress(progress);
      } catch (err) {
        return fail(err);
      }
    }
  } catch {
    // The stream ended with the pull (aborted, or the daemon went away): the call reports that.
  }
}

/** @internal Waits (boundedly) for the progress the daemon sent before it returned. */
export async function drain(relayed: Promise<void>): Promise<void> {
  const timer = new AbortController();
  try {
    await Promise.race([relayed, sleep(PROGRESS_DRAIN_MS, undefined, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}
