import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuiltImage, builtImage } from "./built-image.js";
import { cacheKey, LayerCache } from "./debian-image-cache.js";
import { debianImageConfig } from "./debian-image-config.js";
import { filesLayer } from "./debian-image-files.js";
import { machineMirror, machineSuite } from "./debian-image-host.js";
import { describeBlob, type LayoutLayer, writeOciLayout } from "./debian-image-layout.js";
import { checkDebianImageOptions, type DebianImageOptions } from "./debian-image-options.js";
import { type RootfsSpec, runMmdebstrap } from "./debian-image-rootfs.js";
import { debug } from "./log.js";

/** Every image's `created`: the same inputs make the same image digest. */
const BUILD_TIME = new Date(0);

/** A built Debian image: a {@link BuiltImage}, and where its root filesystem came from. */
export interface DebianImage extends BuiltImage {
  /** True when the root filesystem layer came from the cache (mmdebstrap did not run). */
  readonly fromCache: boolean;
  /** The root filesystem layer's digest (an uncompressed tar: its diff ID too). */
  readonly rootfsDigest: string;
}

/**
 * Builds an OCI image of Debian packages with mmdebstrap, offline but for the Debian archive:
 * the `essential` set plus `packages` as one uncompressed layer, `files` as a second, the config
 * from the options. The first layer is cached by a hash of the packages, suite, mirror and
 * `customize`; a build with the same ones reuses it without running mmdebstrap. Root only.
 *
 * @example
 * ```ts
 * await using image = await buildDebianImage({ packages: ["redis-server"], cmd: ["redis-server"] });
 * await image.writeOciArchive("/tmp/redis.tar", "redis:test");
 * await client.images.import("/tmp/redis.tar");
 * ```
 */
export async function buildDebianImage(options: DebianImageOptions): Promise<DebianImage> {
  const o = checkDebianImageOptions(options);
  const suite = o.suite ?? (await machineSuite());
  const spec: RootfsSpec = {
    packages: o.packages,
    suite,
    mirror: o.mirror ?? (await machineMirror(suite)),
    customize: o.customize ?? [],
  };
  const cache = new LayerCache(o.cacheDir);
  const { layer, hit } = await cache.get(
    cacheKey(spec),
    (tmp) => runMmdebstrap(spec, tmp, o.signal),
    o.signal,
  );
  const layers: LayoutLayer[] = [layer];
  if (o.files && Object.keys(o.files).length > 0) {
    const data = await filesLayer(o.files);
    layers.push({ ...describeBlob(data), data });
  }
  const dir = await mkdtemp(join(o.parentDir ?? tmpdir(), "debian-image-"));
  const tag = o.tag ?? "latest";
  const layout = join(dir, "layout");
  try {
    const config = debianImageConfig(
      o,
      layers.map((l) => l.digest),
      BUILD_TIME,
    );
    await writeOciLayout(layout, tag, layers, config);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  debug(
    "built debian image %s:%s (%s, cache %s)",
    layout,
    tag,
    spec.packages.join(","),
    hit ? "hit" : "miss",
  );
  return { ...builtImage(dir, layout, tag), fromCache: hit, rootfsDigest: layer.digest };
}
