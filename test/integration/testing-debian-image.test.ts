// buildDebianImage against Debian's archive: redis built (or taken from the shared cache), imported
// and run with a published port, answering PING from the host; a second build reuses the cached
// layer; a package the archive lacks is a NotFoundError that leaves the cache as it was.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidArgumentError, NotFoundError } from "../../src/errors/index.js";
import { LayerCache } from "../../src/testing/debian-image-cache.js";
import { buildDebianImage, type DebianImage, redisImage } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const d = useDaemon();
const IMAGE = "csdk/redis:test";

/** Sends `command` to `host:port` and resolves with the first reply line (`+PONG`). */
async function redisCommand(port: number, command: string): Promise<string> {
  const socket = createConnection({ host: "127.0.0.1", port });
  try {
    await once(socket, "connect");
    socket.write(`${command}\r\n`);
    const [data] = (await once(socket, "data")) as [Buffer];
    return data.toString().split("\r\n")[0] ?? "";
  } finally {
    socket.destroy();
  }
}

/** Retries `redisCommand` until redis answers (it listens a moment after its task starts). */
async function untilAnswers(port: number, command: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await redisCommand(port, command);
    } catch (err) {
      if (i >= 150) throw err;
      await sleep(100);
    }
  }
}

describe("a redis image from Debian's packages", () => {
  let image: DebianImage;
  let host: string;

  before(async () => {
    host = await mkdtemp(join(tmpdir(), "debian-image-"));
    image = await redisImage();
    const file = join(host, "redis.tar");
    await image.writeOciArchive(file, IMAGE);
    await d.client.images.import(file);
    await d.client.networks.create("redisnet");
  });
  after(async () => {
    await image?.remove();
    await rm(host, { recursive: true, force: true });
  });

  test("runs as redis with a published port, answers PING from the host, and stops", async () => {
    const container = await d.client.containers.create(uniqueId("redis"), {
      image: IMAGE,
      network: { name: "redisnet", ports: [{ containerPort: 6379 }] },
    });
    d.defer(() => container.delete({ force: true }).catch(() => {}));
    const task = await container.newTask();
    await task.start();
    const port = task.hostPort(6379) as number;
    assert.equal(await untilAnswers(port, "PING"), "+PONG");
    const { stdout } = await task.run(["id", "-un"]);
    assert.equal(stdout.trim(), "redis");
    const status = await task.stop({ timeout: 10_000 });
    assert.equal(status.exitCode, 0, "SIGTERM: redis shuts down cleanly");
  });

  test("the image config carries the port, user and healthcheck", async () => {
    const config = (await (await d.client.images.get(IMAGE)).config()) as {
      config?: Record<string, unknown>;
    };
    assert.deepEqual(config.config?.ExposedPorts, { "6379/tcp": {} });
    assert.equal(config.config?.User, "redis");
    assert.deepEqual((config.config?.Healthcheck as { Test?: string[] } | undefined)?.Test, [
      "CMD",
      "redis-cli",
      "ping",
    ]);
  });

  test("a second build with the same inputs reuses the cached layer: mmdebstrap does not run", async () => {
    const cache = new LayerCache();
    const blob = join(cache.dir, "blobs", "sha256", image.rootfsDigest.replace("sha256:", ""));
    const records = join(cache.dir, "rootfs");
    const [blobBefore, recordsBefore] = [await stat(blob), await readdir(records)];
    await using again = await redisImage({ tag: "again" });
    const [blobAfter, recordsAfter] = [await stat(blob), await readdir(records)];
    assert.equal(again.fromCache, true);
    assert.equal(again.rootfsDigest, image.rootfsDigest);
    assert.deepEqual(
      [blobAfter.ino, blobAfter.mtimeMs],
      [blobBefore.ino, blobBefore.mtimeMs],
      "not rewritten",
    );
    assert.deepEqual(
      recordsAfter.filter((n) => !recordsBefore.includes(n)),
      [],
      "no record, lock or temp file made",
    );
  });
});

describe("bad input to buildDebianImage", () => {
  test("a package name with spaces, or no packages, is an InvalidArgumentError naming the field", async () => {
    await assert.rejects(buildDebianImage({ packages: ["redis server"] }), {
      name: "InvalidArgumentError",
      field: "packages[0]",
    });
    await assert.rejects(buildDebianImage({} as never), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "packages");
      return true;
    });
  });

  test("a package the archive lacks is a NotFoundError naming it, and the cache keeps nothing", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "debian-cache-"));
    try {
      await assert.rejects(
        buildDebianImage({ packages: ["csdk-no-such-package"], cacheDir }),
        (err: unknown) => {
          assert.ok(err instanceof NotFoundError, String(err));
          assert.match(err.message, /"csdk-no-such-package"/);
          return true;
        },
      );
      assert.deepEqual(await readdir(join(cacheDir, "rootfs")), []);
      assert.deepEqual(await readdir(join(cacheDir, "blobs", "sha256")), []);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
