import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { delay } from "abort-controller-x";
import type { Client } from "../client.js";
import { isNotFound, isUnavailable } from "../errors/index.js";
import type { BuiltImage } from "./built-image.js";
import { debug } from "./log.js";

/** How many times an import blocked by another one (its blobs' ingest refs locked) is tried again. */
const LOCKED_RETRIES = 60;
const MAX_RETRY_DELAY_MS = 2_000;

/** @internal Whether image `name` is in the client's namespace. */
export async function hasImage(client: Client, name: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.images.get(name, { signal });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** An import that failed because another import (in any process) is writing the same blobs. */
function lockedByAnother(err: unknown): boolean {
  return isUnavailable(err) && /locked/.test((err as Error).message);
}

/**
 * @internal Makes `image` the image `name` in the client's namespace unless one by that name is
 * there already: an OCI archive (skopeo) imported with `images.import`, as the Debian image tests
 * do. Another import of the same image at the same time (another process, another test file)
 * locks the blobs it is writing; this one then tries again, with a growing pause, until that
 * import has made the image or its locks are gone.
 */
export async function ensureBuiltImage(
  client: Client,
  image: BuiltImage,
  name: string,
  signal?: AbortSignal,
): Promise<void> {
  if (await hasImage(client, name, signal)) return;
  const tar = join(dirname(image.layout), "import.tar");
  try {
    await image.writeOciArchive(tar, name);
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        debug("importing %s into namespace %s", name, client.namespace);
        await client.images.import(tar, { signal });
        return;
      } catch (err) {
        if (!lockedByAnother(err) || attempt >= LOCKED_RETRIES) throw err;
        debug("import of %s: %s; trying again", name, (err as Error).message);
      }
      await delay(signal ?? new AbortController().signal, Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** attempt));
      if (await hasImage(client, name, signal)) return;
    }
  } finally {
    await rm(tar, { force: true });
  }
}
