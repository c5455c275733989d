import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { format, promisify } from "node:util";
import createDebug from "debug";
import {
  DeadlineExceededError,
  type Descriptor,
  type Image,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  type PushProgress,
  UnauthenticatedError,
} from "../../src/index.js";
import {
  type BuiltImage,
  buildBusyboxImage,
  type RegistryInstance,
  startRegistry,
} from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";

const run = promisify(execFile);
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

/** What a {@link front} saw: `METHOD /path` per request, query dropped. */
type Seen = string[];

/**
 * An HTTP proxy on loopback in front of `upstream` that streams every request through (keeping the
 * Host header, so the registry's upload Locations point back at the proxy) and records it. `hold`
 * may take a request instead: it then answers (or never does) itself.
 */
async function front(
  upstream: string,
  hold?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ host: string; seen: Seen; server: Server }> {
  const seen: Seen = [];
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url?.split("?")[0]}`);
    if (hold?.(req, res)) return;
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.once("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const count = (seen: Seen, method: string, part: string) =>
  seen.filter((s) => s.startsWith(`${method} `) && s.includes(part)).length;

async function skopeoInspect(ref: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", ...args, `docker://${ref}`]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("images: push", () => {
  const d = useDaemon();
  const auth = { username: "alice", password: "s3cret" };
  let registry: RegistryInstance;
  let secured: RegistryInstance;
  let built: BuiltImage[] = [];
  let app: Image;
  const servers: Server[] = [];

  /** Builds a busybox image with `files`, imports it as `name`, and returns the image. */
  async function importImage(name: string, files: Record<string, string>): Promise<Image> {
    const image = await buildBusyboxImage({ cmd: ["/bin/cat", "/etc/marker"], files });
    built.push(image);
    const tar = join(d.ctr.dir, `${name.replace(/\W/g, "_")}.tar`);
    await image.writeOciArchive(tar, name);
    const [img] = await d.client.images.import(tar);
    assert.ok(img);
    return img;
  }

  async function frontOf(upstream: string, hold?: Parameters<typeof front>[1]) {
    const f = await front(upstream, hold);
    servers.push(f.server);
    return f;
  }

  before(async () => {
    [registry, secured] = await Promise.all([startRegistry(), startRegistry({ auth })]);
    app = await importImage("team/app:v1", { "/etc/marker": "pushed\n" });
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await Promise.all([registry?.stop(), secured?.stop(), ...built.map((b) => b.remove())]);
    built = [];
  });

  test("an imported image pushed to a registry is what skopeo inspects and ctr pulls", async () => {
    const events: PushProgress[] = [];
    const ref = `${registry.host}/team/app:v1`;
    const pushed = await d.client.images.push(app.name, ref, { onProgress: (p) => events.push(p) });
    assert.deepEqual(pushed, {
      mediaType: app.target.mediaType,
      digest: app.target.digest,
      size: app.target.size,
    });
    const done = events.filter((e) => e.complete);
    assert.deepEqual(done.map((e) => e.kind).sort(), ["config", "layer", "layer", "manifest"]);
    for (const e of done) assert.deepEqual([e.done, e.skipped], [e.total, false]);
    assert.equal((await skopeoInspect(ref)).Digest, app.target.digest);
    await run("ctr", ["-a", d.ctr.address, "-n", "other", "images", "pull", "--plain-http", ref]);
    const pulled = await d.client.withNamespace("other").images.get(ref);
    assert.equal(pulled.target.digest, app.target.digest);
  });

  test("a second push of the same image sends no blob: each HEAD finds it, nothing is POSTed or PUT", async () => {
    const proxy = await frontOf(registry.url);
    const ref = `${proxy.host}/team/twice:v1`;
    await d.client.images.push(app.name, ref);
    assert.deepEqual(
      [count(proxy.seen, "HEAD", "/blobs/"), count(proxy.seen, "POST", "/blobs/uploads/")],
      [3, 3],
    );
    assert.deepEqual([count(proxy.seen, "PUT", "/blobs/"), count(proxy.seen, "PUT", "/manifests/")], [3, 1]);
    proxy.seen.length = 0;
    const events: PushProgress[] = [];
    await d.client.images.push(app.name, ref, { onProgress: (p) => events.push(p) });
    assert.deepEqual(proxy.seen.map((s) => s.split(" ")[0]).sort(), ["HEAD", "HEAD", "HEAD", "HEAD"]);
    assert.equal(events.length, 4);
    assert.ok(events.every((e) => e.skipped && e.complete));
  });

  test("a blob pulled from another repository of the registry is mounted from there, not uploaded", async () => {
    const source = `${registry.host}/team/app:v1`;
    await d.client.images.push(app.name, source);
    const ns = d.client.withNamespace("mount");
    await ns.images.pull(source, { unpack: false });
    const proxy = await frontOf(registry.url);
    await ns.images.push(source, `${proxy.host}/team/copy:v1`);
    assert.equal(count(proxy.seen, "POST", "/blobs/uploads/"), 3);
    assert.equal(count(proxy.seen, "PUT", "/blobs/"), 0);
    assert.equal((await skopeoInspect(`${registry.host}/team/copy:v1`)).Digest, app.target.digest);
  });

  test("a push with credentials to a basic-auth registry succeeds, and the debug log never shows them", async () => {
    const lines: string[] = [];
    const originalLog = createDebug.log;
    const previous = createDebug.disable();
    createDebug.log = (...args: unknown[]) => lines.push(format(...(args as [unknown, ...unknown[]])));
    createDebug.enable("containerd-sdk:*");
    try {
      await d.client.images.push(app.name, `${secured.host}/team/app:v1`, { auth });
    } finally {
      createDebug.disable();
      if (previous) createDebug.enable(previous);
      createDebug.log = originalLog;
    }
    assert.ok(
      lines.some((l) => l.includes("PUT")),
      lines.join("\n"),
    );
    const basic = Buffer.from(`${auth.username}:${auth.password}`).toString("base64");
    for (const l of lines) assert.ok(!l.includes(auth.password) && !l.includes(basic), l);
    const inspected = await skopeoInspect(`${secured.host}/team/app:v1`, "--creds", "alice:s3cret");
    assert.equal(inspected.Digest, app.target.digest);
  });

  test("a push without credentials to a basic-auth registry rejects with UnauthenticatedError (401)", async () => {
    const err = await d.client.images
      .push(app.name, `${secured.host}/team/noauth:v1`)
      .catch((e: unknown) => e);
    assert.ok(err instanceof UnauthenticatedError, String(err));
    assert.equal(err.statusCode(), 401);
    assert.match(err.message, new RegExp(secured.host));
  });

  test("a bearer challenge gets a token for pull,push on the repository", async () => {
    const scopes: string[] = [];
    let realm = "";
    const proxy = await frontOf(registry.url, (req, res) => {
      if (req.url?.startsWith("/token")) {
        scopes.push(new URL(req.url, "http://x").searchParams.getAll("scope").join(" "));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ token: "tok-push" }));
        return true;
      }
      if (req.headers.authorization === "Bearer tok-push") return false;
      res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="svc"` });
      res.end();
      return true;
    });
    realm = `http://${proxy.host}/token`;
    await d.client.images.push(app.name, `${proxy.host}/team/bearer:v1`);
    assert.deepEqual(scopes, ["repository:team/bearer:pull,push"]);
  });

  test("bad input rejects with an error naming the field before any request", async () => {
    const proxy = await frontOf(registry.url);
    const push = (name: string, ref: string) => d.client.images.push(name, ref).catch((e: unknown) => e);
    for (const [name, ref, field] of [
      [app.name, "", "reference"],
      [app.name, "Bad/Upper:case", "reference"],
      ["", `${proxy.host}/team/x:v1`, "name"],
      [app.name, `${proxy.host}/team/x@sha256:${"0".repeat(64)}`, "reference"],
    ] as const) {
      const err = await push(name, ref);
      assert.ok(err instanceof InvalidArgumentError, `${name} ${ref}: ${err}`);
      assert.equal(err.field, field);
    }
    const unknown = await push("team/nope:v1", `${proxy.host}/team/x:v1`);
    assert.ok(unknown instanceof NotFoundError, String(unknown));
    assert.match(unknown.message, /team\/nope:v1/);
    assert.deepEqual(proxy.seen, []);
  });

  test("an index whose other platform was never pulled fails before any request, unless platform picks one", async () => {
    const missing: Descriptor = {
      mediaType: app.target.mediaType,
      digest: `sha256:${randomBytes(32).toString("hex")}`,
      size: 1234,
    };
    const multi = await createIndex("team/partial:v1", [app.target, missing]);
    const proxy = await frontOf(registry.url);
    const ref = `${proxy.host}/team/partial:v1`;
    const err = await d.client.images.push(multi.name, ref).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.match(err.message, new RegExp(`${missing.digest}.*linux/arm64`));
    assert.deepEqual(proxy.seen, []);
    const pushed = await d.client.images.push(multi.name, ref, {
      platform: { os: "linux", architecture: "amd64" },
    });
    assert.equal(pushed.digest, app.target.digest);
    assert.equal((await skopeoInspect(`${registry.host}/team/partial:v1`)).Digest, app.target.digest);
  });

  test("a whole index goes up: both manifests by digest, then the index at the tag", async () => {
    const other = await importImage("team/other:v1", { "/etc/marker": "other\n" });
    const multi = await createIndex("team/multi:v1", [app.target, other.target]);
    const proxy = await frontOf(registry.url);
    const pushed = await d.client.images.push(multi.name, `${proxy.host}/team/multi:v1`);
    assert.equal(pushed.digest, multi.target.digest);
    const puts = proxy.seen.filter((s) => s.startsWith("PUT ") && s.includes("/manifests/"));
    assert.deepEqual(puts, [
      `PUT /v2/team/multi/manifests/${app.target.digest}`,
      `PUT /v2/team/multi/manifests/${other.target.digest}`,
      "PUT /v2/team/multi/manifests/v1",
    ]);
    const { stdout } = await run("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry.host}/team/multi:v1`,
    ]);
    const index = JSON.parse(stdout) as { manifests: Descriptor[] };
    assert.deepEqual(
      index.manifests.map((m) => m.digest),
      [app.target.digest, other.target.digest],
    );
  });

  test("a registry answering 500 rejects with InternalError keeping status 500", async () => {
    const proxy = await frontOf(registry.url, (_req, res) => {
      res.writeHead(500);
      res.end("boom");
      return true;
    });
    const err = await d.client.images.push(app.name, `${proxy.host}/team/app:v1`).catch((e: unknown) => e);
    assert.ok(err instanceof InternalError, String(err));
    assert.equal(err.statusCode(), 500);
  });

  test("an abort mid-upload rejects with AbortError and leaves nothing in containerd", async () => {
    const big = await importImage("team/big:v1", { "/etc/big": randomBytes(3 << 20).toString("base64") });
    const proxy = await frontOf(registry.url, (req) => {
      // The big layer's upload is read and never answered.
      if (req.method !== "PUT" || Number(req.headers["content-length"]) < 1 << 20) return false;
      req.resume();
      return true;
    });
    const ns = d.client;
    const [images, leases] = [await ns.images.list(), await ns.leases.list()];
    const controller = new AbortController();
    const pushing = ns.images.push(big.name, `${proxy.host}/team/big:v1`, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind === "layer" && p.done > 0 && !p.complete) controller.abort();
      },
    });
    await assert.rejects(pushing, { name: "AbortError" });
    assert.deepEqual(await ns.leases.list(), leases);
    assert.deepEqual(await ns.content.ingests(), []);
    assert.deepEqual(
      (await ns.images.list()).map((i) => i.name),
      images.map((i) => i.name),
    );
  });

  test("a push to a registry that never answers fails with DeadlineExceededError at its timeout", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    servers.push(silent);
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const err = await d.client.images
      .push(app.name, `${host}/team/app:v1`, { timeout: 300 })
      .catch((e: unknown) => e);
    assert.ok(err instanceof DeadlineExceededError, String(err));
    assert.match(err.message, /push .*team\/app:v1 did not finish within 300 ms/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  /** An OCI index over `manifests` (amd64, then arm64/v8), stored with GC labels, as image `name`. */
  async function createIndex(name: string, manifests: Descriptor[]): Promise<Image> {
    const platforms = [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
    ];
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: manifests.map((m, i) => ({ ...m, platform: platforms[i] })),
    };
    const labels = Object.fromEntries(
      manifests.map((m, i) => [`containerd.io/gc.ref.content.m.${i}`, m.digest]),
    );
    return d.client.withLease(async () => {
      const { digest, size } = await d.client.content.write(JSON.stringify(index), { labels });
      return d.client.images.create(name, { mediaType: OCI_INDEX, digest, size });
    });
  }
});
