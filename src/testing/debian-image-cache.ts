import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { debug } from "./log.js";

/** The env var naming the cache directory when `cacheDir` is not given. */
export const DEBIAN_IMAGES_ENV = "CONTAINERD_SDK_DEBIAN_IMAGES";
const DEFAULT_DIR = "/var/cache/containerd-sdk/debian-images";
/** How often a builder waiting on another's lock looks again. */
const LOCK_POLL_MS = 500;

/** A cached layer: an uncompressed tar under `blobs/sha256/`. */
export interface CachedLayer {
  /** `sha256:…` of the tar (its diff ID too). */
  digest: string;
  size: number;
  /** The blob's path. */
  path: string;
}

/**
 * @internal The root filesystem cache: `blobs/sha256/<hex>` holds layer tars by digest,
 * `rootfs/<key>.json` says which blob a key built. Both are written to a temp name and renamed,
 * so a reader sees a whole file or none; a lock file per key keeps two builders (in any process)
 * from running mmdebstrap for one key at once.
 */
export class LayerCache {
  readonly dir: string;

  constructor(dir = process.env[DEBIAN_IMAGES_ENV] || DEFAULT_DIR) {
    this.dir = dir;
  }

  /** The layer for `key`, from the cache or made by `build(tmpFile)` and stored. `hit` says which. */
  async get(
    key: string,
    build: (tmpFile: string) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<{ layer: CachedLayer; hit: boolean }> {
    await mkdir(join(this.dir, "rootfs"), { recursive: true });
    await mkdir(join(this.dir, "blobs", "sha256"), { recursive: true });
    for (;;) {
      const found = await this.lookup(key);
      if (found) return { layer: found, hit: true };
      const release = await this.lock(key);
      if (!release) {
        await sleep(LOCK_POLL_MS, undefined, { signal });
        continue;
      }
      try {
        const again = await this.lookup(key);
        if (again) return { layer: again, hit: true };
        return { layer: await this.store(key, build), hit: false };
      } finally {
        await release();
      }
    }
  }

  /** The stored layer for `key`, if its record and blob are both there. */
  async lookup(key: string): Promise<CachedLayer | undefined> {
    const record = await readFile(this.recordPath(key), "utf8").catch(() => undefined);
    if (record === undefined) return undefined;
    const { digest, size } = JSON.parse(record) as { digest: string; size: number };
    const path = this.blobPath(digest);
    const st = await stat(path).catch(() => undefined);
    return st?.size === size ? { digest, size, path } : undefined;
  }

  private async store(key: string, build: (tmpFile: string) => Promise<void>): Promise<CachedLayer> {
    const tmp = join(this.dir, "blobs", "sha256", `.tmp-${randomBytes(6).toString("hex")}`);
    try {
      await build(tmp);
      const digest = `sha256:${await sha256File(tmp)}`;
      const { size } = await stat(tmp);
      const path = this.blobPath(digest);
      await rename(tmp, path);
      await writeAtomic(this.recordPath(key), JSON.stringify({ digest, size, created: new Date() }));
      debug("cached layer %s as %s (%d bytes)", key, digest, size);
      return { digest, size, path };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Takes `key`'s lock: its release, or undefined when a live process holds it. */
  private async lock(key: string): Promise<(() => Promise<void>) | undefined> {
    const path = join(this.dir, "rootfs", `${key}.lock`);
    try {
      const file = await open(path, "wx");
      await file.writeFile(String(process.pid));
      await file.close();
      return () => unlink(path).catch(() => {});
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number(await readFile(path, "utf8").catch(() => ""));
    if (holder > 0 ? !alive(holder) : await olderThan(path, STALE_EMPTY_LOCK_MS)) {
      await unlink(path).catch(() => {}); // its holder died
    }
    return undefined;
  }

  private recordPath(key: string): string {
    return join(this.dir, "rootfs", `${key}.json`);
  }

  private blobPath(digest: string): string {
    return join(this.dir, "blobs", "sha256", digest.replace(/^sha256:/, ""));
  }
}

/** A lock file still without a pid after this long was left by a builder that died taking it. */
const STALE_EMPTY_LOCK_MS = 10_000;

async function olderThan(path: string, ms: number): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > ms;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** @internal The hex SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** @internal The cache key of what decides a root filesystem: a hex SHA-256 of it as JSON. */
export function cacheKey(spec: object): string {
  return createHash("sha256")
    .update(JSON.stringify({ format: 1, ...spec }))
    .digest("hex");
}
