import { createHash } from "node:crypto";
import { copyFile, link, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MediaType } from "../images/media-types.js";

/** A layer blob: from a file (hard-linked in, copied across file systems) or from memory. */
export type LayoutLayer = { digest: string; size: number } & ({ path: string } | { data: Buffer });

/**
 * @internal Writes an OCI image layout at `layout`: uncompressed layers (so each digest is its
 * diff ID too), the config JSON, a manifest, and `index.json` naming it `tag`.
 */
export async function writeOciLayout(
  layout: string,
  tag: string,
  layers: LayoutLayer[],
  config: object,
): Promise<void> {
  const blobs = join(layout, "blobs", "sha256");
  await mkdir(blobs, { recursive: true });
  const blobPath = (digest: string) => join(blobs, digest.replace(/^sha256:/, ""));
  for (const layer of layers) {
    if ("data" in layer) await writeFile(blobPath(layer.digest), layer.data);
    else
      await link(layer.path, blobPath(layer.digest)).catch(() =>
        copyFile(layer.path, blobPath(layer.digest)),
      );
  }
  const configBlob = await putJson(blobs, config);
  const manifest = await putJson(blobs, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, ...configBlob },
    layers: layers.map(({ digest, size }) => ({ mediaType: MediaType.ociLayer, digest, size })),
  });
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      {
        mediaType: MediaType.ociManifest,
        ...manifest,
        annotations: { "org.opencontainers.image.ref.name": tag },
      },
    ],
  };
  await writeFile(join(layout, "index.json"), JSON.stringify(index));
  await writeFile(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
}

/** @internal The digest and size of a blob in memory. */
export function describeBlob(data: Buffer): { digest: string; size: number } {
  return { digest: `sha256:${createHash("sha256").update(data).digest("hex")}`, size: data.length };
}

async function putJson(blobs: string, value: object): Promise<{ digest: string; size: number }> {
  const data = Buffer.from(JSON.stringify(value));
  const blob = describeBlob(data);
  await writeFile(join(blobs, blob.digest.replace(/^sha256:/, "")), data);
  return blob;
}
