import { Readable } from "node:stream";
import { withDeadline } from "../../base/deadline.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { Content } from "../content.js";
import type { ImagesContext } from "../context.js";
import type { Image } from "../image.js";
import { storeImage } from "../image-store.js";
import { Leases } from "../leases.js";
import { fromDockerArchive } from "./docker-archive.js";
import { fromOciLayout } from "./oci-layout.js";
import { scanTar } from "./tar-scan.js";
import type { ImageRecord, ImportOptions } from "./types.js";

/**
 * @internal Implements `images.import`: the tar's blobs go into the content store under one lease,
 * then an image record per name it carries. `timeout` bounds all of it.
 */
export async function importImages(
  ctx: ImagesContext,
  source: string | Readable,
  options: ImportOptions,
): Promise<Image[]> {
  checkSource(source);
  const where = typeof source === "string" ? source : "import stream";
  return withDeadline(`import of ${where}`, options, (signal) =>
    new Leases(ctx).withLease(async () => {
      const records = await readImages(ctx, source, where, { ...options, signal, timeout: undefined });
      const out: Image[] = [];
      for (const { name, target } of records) out.push(await storeImage(ctx, name, target, { signal }));
      return out;
    }),
  );
}

/** Scans the tar into the content store and reads the image records its format names. */
async function readImages(
  ctx: ImagesContext,
  source: string | Readable,
  where: string,
  options: ImportOptions,
): Promise<ImageRecord[]> {
  const scan = await scanTar(ctx, source, where, options.signal);
  const content = new Content(ctx);
  if (scan.meta.has("oci-layout")) return fromOciLayout(content, scan, where, options);
  if (scan.meta.has("manifest.json")) return fromDockerArchive(content, scan, where, options.signal);
  throw new InvalidArgumentError(`${where}: unrecognized image format (no oci-layout or manifest.json)`, {
    field: "source",
  });
}

function checkSource(source: unknown): asserts source is string | Readable {
  if (typeof source !== "string" && !(source instanceof Readable)) {
    throw new InvalidArgumentError("source: a tar file path or a Readable is required", { field: "source" });
  }
  if (typeof source === "string" && (source === "" || source.includes("\0"))) {
    throw new InvalidArgumentError("source: a tar file path must be non-empty and free of NUL bytes", {
      field: "source",
    });
  }
}
