import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Client } from "../../client.js";
import type { DebianImage } from "../debian-image.js";
import { ensureBuiltImage, hasImage } from "../import-built-image.js";
import type { ServiceImageOptions } from "../service-images.js";

/** A ready-made service image's builder: `redisImage`, `postgresImage`. */
export type ModuleImageBuilder = (options?: ServiceImageOptions) => Promise<DebianImage>;

// The name each module's image was built under in this process (the inputs do not change while it runs).
const builtNames = new Map<string, string>();

/** The hex digest of the layout's one manifest: the same inputs give the same digest. */
async function manifestHex(layout: string): Promise<string> {
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as {
    manifests: Array<{ digest: string }>;
  };
  const digest = index.manifests[0]?.digest ?? "";
  return digest.replace(/^sha256:/, "");
}

/**
 * @internal The name of module `kind`'s image in the client's namespace, built (its root
 * filesystem from the shared cache when there) and imported first when missing. The tag is the
 * built manifest's digest, so a changed image gets a new name: a reusable service made from the
 * old one is not handed back for it.
 */
export async function moduleImage(
  client: Client,
  kind: string,
  build: ModuleImageBuilder,
  signal?: AbortSignal,
): Promise<string> {
  // A later start in this process, with the image in place, needs no layout to find its name.
  const known = builtNames.get(kind);
  if (known && (await hasImage(client, known, signal))) return known;
  const image = await build({ signal });
  try {
    const name = `containerd-sdk/${kind}:${(await manifestHex(image.layout)).slice(0, 16)}`;
    await ensureBuiltImage(client, image, name, signal);
    builtNames.set(kind, name);
    return name;
  } finally {
    await image.remove();
  }
}
