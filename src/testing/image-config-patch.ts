import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const REF_NAME = "org.opencontainers.image.ref.name";

interface Descriptor {
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const blobPath = (layout: string, digest: string) => join(layout, "blobs", ...digest.split(":"));

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

/** Writes `value` as a blob of the layout; returns its descriptor's digest and size. */
async function writeBlob(layout: string, value: unknown): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  await writeFile(blobPath(layout, digest), bytes);
  return { digest, size: bytes.length };
}

/**
 * @internal Changes the runtime config (`config` of the image config) of image `tag` in an OCI
 * layout: new config and manifest blobs, the index pointed at them. For what umoci cannot set,
 * such as Docker's `Healthcheck`.
 */
export async function patchRuntimeConfig(
  layout: string,
  tag: string,
  patch: Record<string, unknown>,
): Promise<void> {
  const indexPath = join(layout, "index.json");
  const index = await readJson<{ manifests: Descriptor[] }>(indexPath);
  const entry = index.manifests.find((m) => m.annotations?.[REF_NAME] === tag);
  if (!entry) throw new Error(`containerd-sdk/testing: no image tagged ${tag} in ${layout}`);
  const manifest = await readJson<{ config: Descriptor }>(blobPath(layout, entry.digest));
  const config = await readJson<{ config?: Record<string, unknown> }>(
    blobPath(layout, manifest.config.digest),
  );
  config.config = { ...config.config, ...patch };
  manifest.config = { ...manifest.config, ...(await writeBlob(layout, config)) };
  Object.assign(entry, await writeBlob(layout, manifest));
  await writeFile(indexPath, JSON.stringify(index));
}
