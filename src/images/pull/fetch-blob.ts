import type { IncomingMessage } from "node:http";
import { DataLossError, isFailedPrecondition } from "../../errors/index.js";
import { BlobWriter } from "../blob-writer.js";
import { ContentWriter } from "../content-writer.js";
import type { Descriptor } from "../descriptor.js";
import { bodyError } from "./registry.js";
import type { PullJob } from "./types.js";

/** Reports a layer's progress: bytes in the content store, and whether it is committed. */
type Report = (done: number, complete: boolean) => void;

/**
 * Streams a layer into the content store under ref `layer-<digest>`, resuming what an earlier,
 * interrupted pull left there with a Range request; a blob already present costs one STAT.
 * @internal
 */
export async function fetchLayer(
  job: PullJob,
  desc: Descriptor,
  labels: Record<string, string>,
): Promise<void> {
  const { digest, mediaType, size } = desc;
  const report: Report = (done, complete) =>
    job.report({ digest, mediaType, kind: "layer", done, total: size, complete });
  const raw = { signal: job.signal, namespace: job.ctx.namespace };
  const writer = await ContentWriter.open(job.ctx, `layer-${digest}`, { total: size, expected: digest }, raw);
  if (writer.exists) return report(size, true);
  try {
    if (writer.offset < size) await download(job, desc, writer, report);
    await commitLayer(job, desc, writer, labels);
    report(size, true);
  } finally {
    await writer.close();
  }
}

/** GETs the layer from where the ingest stands and writes what arrives into it. */
async function download(
  job: PullJob,
  desc: Descriptor,
  writer: ContentWriter,
  report: Report,
): Promise<void> {
  const start = writer.offset;
  const res = await request(job, desc, start);
  // A registry that ignores Range sends the whole blob: the writer skips the bytes the ingest has.
  const from = res.statusCode === 206 ? start : 0;
  const blob = new BlobWriter(writer, { from, onWritten: (offset) => report(offset, false) });
  report(start, false);
  try {
    await blob.copy(res);
  } catch (err) {
    const where = `${job.where}: download of ${desc.digest} from ${job.registry.base}`;
    throw bodyError(err, `${where} broke off at byte ${blob.position}`);
  }
}

/** The blob's response, from byte `start` on when the registry honours Range. */
async function request(job: PullJob, desc: Descriptor, start: number): Promise<IncomingMessage> {
  const headers: Record<string, string> = { Accept: `${desc.mediaType}, */*` };
  if (start > 0) headers.Range = `bytes=${start}-`;
  const res = await job.registry.stream(`/blobs/${desc.digest}`, { headers, signal: job.signal });
  const range = res.headers["content-range"] ?? "";
  if (res.statusCode === 206 && !range.startsWith(`bytes ${start}-`)) {
    res.destroy();
    throw new DataLossError(`${job.where}: ${desc.digest}: unexpected Content-Range ${range}`);
  }
  return res;
}

/** Commits the ingest; one whose bytes do not match the descriptor is dropped, never resumed from. */
async function commitLayer(
  job: PullJob,
  desc: Descriptor,
  writer: ContentWriter,
  labels: Record<string, string>,
): Promise<void> {
  try {
    await writer.commit(desc.size, desc.digest, labels);
  } catch (err) {
    if (!isFailedPrecondition(err)) throw err;
    await job.content.abort(`layer-${desc.digest}`).catch(() => {});
    throw new DataLossError(
      `${job.where}: blob ${desc.digest} from ${job.registry.base}: content does not match its descriptor (${(err as Error).message})`,
      { cause: err },
    );
  }
}
