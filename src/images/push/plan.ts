import {
  DataLossError,
  FailedPreconditionError,
  InvalidArgumentError,
  isNotFound,
  NotFoundError,
} from "../../errors/index.js";
import type { Content } from "../content.js";
import { type Descriptor, sha256Digest } from "../descriptor.js";
import {
  checkManifestBody,
  type IndexJson,
  MAX_METADATA_BYTES,
  type ManifestJson,
  parseJson,
} from "../manifest.js";
import { isIndexType, isManifestType, isNonDistributable } from "../media-types.js";
import { formatPlatform } from "../platform.js";
import type { BlobKind, PushBlob, PushManifest } from "./types.js";

/** What a push sends, in order: the layers and configs, then the manifests children first. @internal */
export interface PushPlan {
  /** Layers and configs, each once, with their labels in the content store. */
  blobs: PushBlob[];
  /** Manifests and indexes, each after everything it references; the last is the root. */
  manifests: PushManifest[];
}

/** Where the walk reads from, and the state it builds. */
interface Walk {
  readonly content: Content;
  readonly where: string;
  readonly signal: AbortSignal | undefined;
  readonly seen: Set<string>;
  readonly plan: PushPlan;
}

/** Nested indexes deeper than this are refused, as when resolving an image's manifest. */
const MAX_DEPTH = 4;

/**
 * Walks the content graph under `root` (index → manifests → config and layers) in the content store
 * and checks that every blob is there, before anything is sent: a missing blob (a platform never
 * pulled) is a NotFoundError naming it. Non-distributable layers are left out, as ctr leaves them.
 * @internal
 */
export async function planPush(
  content: Content,
  root: Descriptor,
  where: string,
  signal: AbortSignal | undefined,
): Promise<PushPlan> {
  const walk: Walk = { content, where, signal, seen: new Set(), plan: { blobs: [], manifests: [] } };
  await visit(walk, root, kindOf(root), 0);
  walk.plan.blobs = await withLabels(walk, walk.plan.blobs);
  return walk.plan;
}

async function visit(walk: Walk, desc: Descriptor, kind: BlobKind, depth: number): Promise<void> {
  if (walk.seen.has(desc.digest) || isNonDistributable(desc.mediaType)) return;
  walk.seen.add(desc.digest);
  if (kind !== "index" && kind !== "manifest") {
    walk.plan.blobs.push({ desc, kind });
    return;
  }
  if (depth > MAX_DEPTH) throw new FailedPreconditionError(`${walk.where}: indexes nested too deep`);
  const body = await readManifest(walk, desc, kind);
  const parsed = parseJson<IndexJson | ManifestJson>(body, `${walk.where}: ${kind} ${desc.digest}`);
  checkManifestBody(parsed, desc.mediaType, `${walk.where}: ${desc.digest}`);
  if (kind === "index") {
    for (const child of (parsed as IndexJson).manifests ?? [])
      await visit(walk, child, kindOf(child), depth + 1);
  } else {
    const manifest = parsed as ManifestJson;
    await visit(walk, manifest.config, "config", depth + 1);
    for (const layer of manifest.layers) await visit(walk, layer, "layer", depth + 1);
  }
  walk.plan.manifests.push({ desc, kind, body });
}

/** An index's entries are manifests or indexes; anything else there goes up as a plain blob. */
function kindOf(desc: Descriptor): BlobKind {
  if (isIndexType(desc.mediaType)) return "index";
  return isManifestType(desc.mediaType) ? "manifest" : "layer";
}

/** A manifest's bytes from the content store, checked against its descriptor. */
async function readManifest(walk: Walk, desc: Descriptor, kind: BlobKind): Promise<Buffer> {
  if (desc.size > MAX_METADATA_BYTES) {
    throw new InvalidArgumentError(`${walk.where}: ${kind} ${desc.digest} is too large (${desc.size} bytes)`);
  }
  let body: Buffer;
  try {
    body = await walk.content.readAll(desc.digest, { signal: walk.signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const platform = desc.platform ? ` (${formatPlatform(desc.platform)})` : "";
    throw new NotFoundError(
      `${walk.where}: ${kind} ${desc.digest}${platform} is not in the content store; pass \`platform\` to push one that is`,
      { cause: err },
    );
  }
  if (sha256Digest(body) !== desc.digest || body.length !== desc.size) {
    throw new DataLossError(
      `${walk.where}: ${kind} ${desc.digest} in the content store does not match its digest`,
    );
  }
  return body;
}

/** The blobs with their content-store labels, in one List RPC; NotFoundError for the first one missing. */
async function withLabels(walk: Walk, blobs: PushBlob[]): Promise<PushBlob[]> {
  if (blobs.length === 0) return blobs;
  const infos = await walk.content.list({
    filters: blobs.map((b) => `digest==${b.desc.digest}`),
    signal: walk.signal,
  });
  const labels = new Map(infos.map((i) => [i.digest, i.labels]));
  const missing = blobs.find((b) => !labels.has(b.desc.digest));
  if (missing) {
    throw new NotFoundError(
      `${walk.where}: ${missing.kind} ${missing.desc.digest} is not in the content store`,
    );
  }
  return blobs.map((b) => ({ ...b, labels: labels.get(b.desc.digest) }));
}
