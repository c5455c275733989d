import { Readable } from "node:stream";
import { DataLossError, fromHttpStatus } from "../../errors/index.js";
import type { Descriptor } from "../descriptor.js";
import { distributionSourceLabel } from "../labels.js";
import type { PushBlob, PushJob } from "./types.js";

/** Reports a blob's progress: bytes sent, whether the registry has it, whether nothing was sent. */
type Report = (done: number, complete: boolean, skipped?: boolean) => void;

/**
 * Pushes a layer or config the way containerd's pusher does: HEAD `/blobs/<digest>` (200: the
 * registry has it, nothing sent), else POST `/blobs/uploads/` (mounting it from the repository it
 * was pulled from on the same registry when its labels say one; 201: mounted), then one PUT of the
 * bytes, streamed from the content store, to the upload's Location with `?digest=`.
 * @internal
 */
export async function pushBlob(job: PushJob, blob: PushBlob): Promise<void> {
  const { digest, mediaType, size } = blob.desc;
  const report: Report = (done, complete, skipped = false) =>
    job.report({ digest, mediaType, kind: blob.kind, done, total: size, complete, skipped });
  if (await blobExists(job, digest)) return report(size, true, true);
  const location = await startUpload(job, digest, mountSource(blob.labels, job.domain, job.path));
  if (location === undefined) return report(size, true, true);
  report(0, false);
  await putBlob(job, blob.desc, uploadUrl(location, job.registry.base, digest), report);
  report(size, true);
}

async function blobExists(job: PushJob, digest: string): Promise<boolean> {
  const res = await job.registry.fetch(`/blobs/${digest}`, {
    method: "HEAD",
    signal: job.signal,
    okStatuses: [404],
  });
  await res.body?.cancel().catch(() => {});
  return res.status === 200;
}

/**
 * Opens an upload; its Location, or undefined when the registry mounted the blob from `from`. A
 * mount the credentials do not allow (401) falls back to a plain upload, as in the Go client.
 */
async function startUpload(
  job: PushJob,
  digest: string,
  from: string | undefined,
): Promise<string | undefined> {
  const { registry, signal } = job;
  let res: Response | undefined;
  if (from !== undefined) {
    const query = new URLSearchParams({ mount: digest, from });
    res = await registry.fetch(`/blobs/uploads/?${query}`, { method: "POST", signal, okStatuses: [401] });
    await res.body?.cancel().catch(() => {});
    if (res.status === 201) return undefined;
    if (res.status === 401) res = undefined;
  }
  res ??= await registry.fetch("/blobs/uploads/", { method: "POST", signal });
  await res.body?.cancel().catch(() => {});
  if (res.status === 201) return undefined;
  const location = res.headers.get("location");
  if (![200, 202, 204].includes(res.status) || !location) {
    throw fromHttpStatus(
      502,
      `${job.where}: POST ${registry.base}/blobs/uploads/ answered ${res.status} without an upload Location`,
    );
  }
  return location;
}

/** PUTs the blob's bytes to the upload, streamed from the content store; checks the digest the registry reports. */
async function putBlob(job: PushJob, desc: Descriptor, url: URL, report: Report): Promise<void> {
  const { content, signal } = job;
  const body = () =>
    Readable.from(
      (async function* () {
        let done = 0;
        for await (const chunk of content.read(desc.digest, { signal })) {
          yield chunk as Buffer;
          done += (chunk as Buffer).length;
          report(done, false);
        }
      })(),
    );
  const headers = { "Content-Type": "application/octet-stream", "Content-Length": String(desc.size) };
  const res = await job.registry.upload(url, { headers, body, signal });
  res.resume();
  const said = res.headers["docker-content-digest"];
  if (said !== undefined && said !== desc.digest) {
    throw new DataLossError(`${job.where}: the registry stored ${desc.digest} as ${said}`);
  }
}

/**
 * @internal The repository on the same registry a blob can be mounted from: the first its
 * `containerd.io/distribution.source.<host>` label lists (host without port, as pull writes it)
 * that is not `path` itself.
 */
export function mountSource(
  labels: Record<string, string> | undefined,
  domain: string,
  path: string,
): string | undefined {
  const repos = labels?.[distributionSourceLabel(domain)] ?? "";
  return repos.split(",").find((repo) => repo !== "" && repo !== path);
}

/**
 * @internal Where an upload's bytes go: its Location (absolute, host-relative, or a host without a
 * scheme, as registries write it) resolved against the registry, with `digest` added to its query.
 */
export function uploadUrl(location: string, base: string, digest: string): URL {
  const scheme = new URL(base).protocol;
  const url =
    location.startsWith("/") || location.includes("://")
      ? new URL(location, base)
      : new URL(`${scheme}//${location}`);
  url.searchParams.append("digest", digest);
  return url;
}
