import { DataLossError } from "../../errors/index.js";
import type { PushJob, PushManifest } from "./types.js";

/**
 * Puts a manifest or index at `/manifests/<tagOrDigest>` with its media type as Content-Type, after a
 * HEAD that skips it when the registry already has it there (by digest: any 200; by tag: a 200
 * whose Docker-Content-Digest is this manifest's), as containerd's pusher does.
 * @internal
 */
export async function putManifest(job: PushJob, manifest: PushManifest, tagOrDigest: string): Promise<void> {
  const { digest, mediaType, size } = manifest.desc;
  const report = (skipped: boolean) =>
    job.report({ digest, mediaType, kind: manifest.kind, done: size, total: size, complete: true, skipped });
  const path = `/manifests/${tagOrDigest}`;
  const { registry, signal } = job;
  const head = await registry.fetch(path, {
    method: "HEAD",
    headers: { Accept: `${mediaType}, */*` },
    signal,
    okStatuses: [404],
  });
  await head.body?.cancel().catch(() => {});
  const there = tagOrDigest === digest || head.headers.get("docker-content-digest") === digest;
  if (head.status === 200 && there) return report(true);
  const res = await registry.fetch(path, {
    method: "PUT",
    headers: { "Content-Type": mediaType },
    body: manifest.body,
    signal,
  });
  await res.body?.cancel().catch(() => {});
  const said = res.headers.get("docker-content-digest");
  if (said !== null && said !== digest) {
    throw new DataLossError(`${job.where}: the registry stored manifest ${digest} as ${said}`);
  }
  report(false);
}
