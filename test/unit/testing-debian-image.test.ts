// buildDebianImage's pure parts: option checks, the machine's suite and mirror from its files,
// the image config, mmdebstrap's arguments and failures, the files layer, and the cache's
// publish-by-rename and lock.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { after, describe, test } from "node:test";
import { extract } from "tar-stream";
import { InvalidArgumentError, NotFoundError } from "../../src/errors/index.js";
import { cacheKey, LayerCache } from "../../src/testing/debian-image-cache.js";
import { runtimeConfig } from "../../src/testing/debian-image-config.js";
import { filesLayer } from "../../src/testing/debian-image-files.js";
import { codename, deb822Mirror, oneLineMirror } from "../../src/testing/debian-image-host.js";
import { checkDebianImageOptions, type DebianImageOptions } from "../../src/testing/debian-image-options.js";
import { mmdebstrapArgs, notFound, type RootfsSpec } from "../../src/testing/debian-image-rootfs.js";
import { buildDebianImage } from "../../src/testing/index.js";

function rejectsField(options: unknown, field: string): void {
  assert.throws(
    () => checkDebianImageOptions(options as DebianImageOptions),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.equal(err.field, field);
      return true;
    },
  );
}

describe("debian image options", () => {
  test("packages are required, Debian names, sorted and unique", () => {
    rejectsField({}, "packages");
    rejectsField({ packages: [] }, "packages");
    rejectsField({ packages: "redis" }, "packages");
    rejectsField({ packages: ["redis server"] }, "packages[0]");
    rejectsField({ packages: ["ok", "Bad"] }, "packages[1]");
    rejectsField({ packages: ["x"] }, "packages[0]");
    assert.deepEqual(checkDebianImageOptions({ packages: ["bb", "aa", "bb", "g++"] }).packages, [
      "aa",
      "bb",
      "g++",
    ]);
  });

  test("each other option is checked and named", () => {
    const base = { packages: ["redis-server"] };
    rejectsField({ ...base, packges: [] }, "options.packges");
    rejectsField({ ...base, exposedPorts: [0] }, "exposedPorts[0]");
    rejectsField({ ...base, exposedPorts: [6379.5] }, "exposedPorts[0]");
    rejectsField({ ...base, stopSignal: "INT" }, "stopSignal");
    rejectsField({ ...base, workingDir: "rel" }, "workingDir");
    rejectsField({ ...base, files: { "etc/x": "1" } }, 'files["etc/x"]');
    rejectsField({ ...base, healthcheck: { test: ["redis-cli", "ping"] } }, "healthcheck.test");
    rejectsField({ ...base, healthcheck: { test: ["CMD", "x"], interval: -1 } }, "healthcheck.interval");
    rejectsField({ ...base, healthcheck: { test: ["CMD", "x"], every: 1 } }, "healthcheck.every");
    rejectsField({ ...base, suite: "Book worm" }, "suite");
    rejectsField({ ...base, mirror: "deb.debian.org" }, "mirror");
    rejectsField({ ...base, tag: "a:b" }, "tag");
    rejectsField({ ...base, cacheDir: "cache" }, "cacheDir");
    rejectsField({ ...base, signal: "abort" }, "signal");
  });

  test("bad input rejects before any work, with no cache directory made", async () => {
    const cacheDir = join(tmpdir(), `never-made-${process.pid}`);
    await assert.rejects(buildDebianImage({ packages: ["no spaces"], cacheDir }), InvalidArgumentError);
    await assert.rejects(readdir(cacheDir), { code: "ENOENT" });
  });
});

describe("the machine's suite and mirror", () => {
  test("the suite is VERSION_CODENAME", () => {
    assert.equal(codename('NAME="Debian GNU/Linux"\nVERSION_CODENAME=bookworm\nID=debian\n'), "bookworm");
    assert.equal(codename("ID=debian\n"), undefined);
  });

  test("the mirror is the first deb source serving the suite, in either format", () => {
    const deb822 = [
      "Types: deb\n# http://snapshot.debian.org/archive/debian/20250520T000000Z\nURIs: http://deb.debian.org/debian",
      "Suites: bookworm bookworm-updates\nComponents: main",
    ].join("\n");
    const security = "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n";
    assert.equal(deb822Mirror(`${security}\n${deb822}`, "bookworm"), "http://deb.debian.org/debian");
    assert.equal(deb822Mirror(`Enabled: no\n${deb822}`, "bookworm"), undefined);
    assert.equal(deb822Mirror(deb822, "trixie"), undefined);
    const list =
      "# deb http://old/ bookworm main\ndeb-src http://src/ bookworm main\ndeb [arch=amd64] http://m/debian bookworm main\n";
    assert.equal(oneLineMirror(list, "bookworm"), "http://m/debian");
  });
});

describe("debian image config", () => {
  test("options become Docker's fields, healthcheck times in nanoseconds", () => {
    const config = runtimeConfig({
      packages: ["redis-server"],
      cmd: ["redis-server"],
      user: "redis",
      exposedPorts: [6379],
      stopSignal: "SIGINT",
      healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1000, timeout: 3000, retries: 5 },
    });
    assert.deepEqual(config, {
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      Cmd: ["redis-server"],
      User: "redis",
      ExposedPorts: { "6379/tcp": {} },
      StopSignal: "SIGINT",
      Healthcheck: { Test: ["CMD", "redis-cli", "ping"], Interval: 1e9, Timeout: 3e9, Retries: 5 },
    });
  });

  test("a PATH given in env replaces the default one", () => {
    assert.deepEqual(runtimeConfig({ packages: ["x1"], env: ["PATH=/bin", "A=1"] }).Env, [
      "PATH=/bin",
      "A=1",
    ]);
  });
});

describe("mmdebstrap", () => {
  const spec: RootfsSpec = {
    packages: ["postgresql", "redis-server"],
    suite: "bookworm",
    mirror: "http://deb.debian.org/debian",
    customize: ["echo 'it''s'"],
  };

  test("builds the essential set plus the packages as a tar, suite, output and mirror last", () => {
    const args = mmdebstrapArgs(spec, "/c/out.tar");
    assert.ok(args.includes("--variant=essential"));
    assert.ok(args.includes("--include=postgresql,redis-server"));
    assert.ok(args.includes(`--customize-hook=chroot "$1" sh -ec 'echo '\\''it'\\'''\\''s'\\'''`));
    assert.deepEqual(args.slice(-3), ["bookworm", "/c/out.tar", "http://deb.debian.org/debian"]);
  });

  test("a missing package or suite is a NotFoundError naming it", () => {
    const pkg = notFound(
      "Reading package lists...\nE: Unable to locate package nosuch-pkg\nE: setup failed",
      spec,
    );
    assert.ok(pkg instanceof NotFoundError);
    assert.match(pkg.message, /"nosuch-pkg"/);
    const virtual = notFound("E: Package 'mail-transport-agent' has no installation candidate", spec);
    assert.match(virtual?.message ?? "", /"mail-transport-agent"/);
    const suite = notFound(
      "E: The repository 'http://x nosuite Release' does not have a Release file.",
      spec,
    );
    assert.match(suite?.message ?? "", /^suite: "bookworm"/);
    assert.equal(notFound("E: something else", spec), undefined);
  });

  test("the cache key follows the content, not the order of packages", () => {
    assert.equal(cacheKey(spec), cacheKey({ ...spec }));
    assert.notEqual(cacheKey(spec), cacheKey({ ...spec, suite: "trixie" }));
  });
});

test("the files layer holds each file, scripts executable", async () => {
  const tar = await filesLayer({ "/usr/local/bin/run": "#!/bin/sh\n", "/etc/x.conf": "x=1\n" });
  const seen: Array<[string, number | undefined, string]> = [];
  const ex = extract();
  ex.on("entry", (header, stream, next) => {
    void buffer(stream).then((data) => {
      seen.push([header.name, header.mode, data.toString()]);
      next();
    });
  });
  ex.end(tar);
  await new Promise((resolve) => ex.on("finish", () => resolve(undefined)));
  assert.deepEqual(seen, [
    ["etc/x.conf", 0o644, "x=1\n"],
    ["usr/local/bin/run", 0o755, "#!/bin/sh\n"],
  ]);
});

describe("the layer cache", () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  async function cache(): Promise<LayerCache> {
    const dir = await mkdtemp(join(tmpdir(), "layer-cache-"));
    dirs.push(dir);
    return new LayerCache(dir);
  }
  const write = (text: string) => async (tmp: string) => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(tmp, text);
  };

  test("a second get of a key reuses the stored layer without building", async () => {
    const c = await cache();
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      await write("layer")(tmp);
    };
    const first = await c.get("k", build);
    const second = await c.get("k", build);
    assert.equal(builds, 1);
    assert.deepEqual([first.hit, second.hit], [false, true]);
    assert.deepEqual(second.layer, first.layer);
    assert.equal(first.layer.size, 5);
  });

  test("builders of one key at once build it once, and all get it", async () => {
    const c = await cache();
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await write("same")(tmp);
    };
    const got = await Promise.all([c.get("k", build), c.get("k", build), c.get("k", build)]);
    assert.equal(builds, 1);
    assert.equal(new Set(got.map((g) => g.layer.digest)).size, 1);
  });

  test("a failed build leaves nothing in the cache", async () => {
    const c = await cache();
    const failing = async (tmp: string) => {
      await write("half")(tmp);
      throw new Error("mmdebstrap failed");
    };
    await assert.rejects(c.get("k", failing), /mmdebstrap failed/);
    assert.deepEqual(await readdir(join(c.dir, "rootfs")), []);
    assert.deepEqual(await readdir(join(c.dir, "blobs", "sha256")), []);
  });
});
