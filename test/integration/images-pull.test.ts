import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  DataLossError,
  DeadlineExceededError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  type PullProgress,
  UnauthenticatedError,
  UnavailableError,
} from "../../src/index.js";
import {
  type BuiltImage,
  buildBusyboxImage,
  type RegistryInstance,
  rpcDelta,
  rpcTotal,
  startRegistry,
} from "../../src/testing/index.js";
import { ctr, useDaemon } from "../fixtures.js";

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  forward: () => Promise<void>,
) => void | Promise<void>;

/** An HTTP server on loopback that hands each request to `handler`, which may forward it to `upstream`. */
async function proxy(upstream: string, handler: Handler): Promise<{ host: string; server: Server }> {
  const server = createServer((req, res) => {
    const forward = async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === "string" && k !== "host" && k !== "authorization") headers[k] = v;
      }
      const up = await fetch(`${upstream}${req.url}`, { method: req.method, headers });
      const out: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        out[k] = v;
      });
      res.writeHead(up.status, out);
      res.end(Buffer.from(await up.arrayBuffer()));
    };
    Promise.resolve(handler(req, res, forward)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("images: pull", () => {
  const d = useDaemon({ metrics: true });
  let image: BuiltImage;
  let registry: RegistryInstance;
  let secured: RegistryInstance;
  const servers: Server[] = [];
  const auth = { username: "alice", password: "s3cret" };

  before(async () => {
    image = await buildBusyboxImage({
      cmd: ["/bin/cat", "/etc/marker"],
      files: { "/etc/marker": "pulled\n" },
    });
    [registry, secured] = await Promise.all([startRegistry(), startRegistry({ auth })]);
    await Promise.all([
      image.push(`${registry.host}/acc/busybox:v1`),
      image.push(`${secured.host}/acc/busybox:v1`, { auth }),
    ]);
  });
  after(async () => {
    for (const s of servers) s.close();
    await Promise.all([registry?.stop(), secured?.stop(), image?.remove()]);
  });

  /**
   * Pushes a fresh image as `acc/<repo>:v1` and fronts the registry with a proxy that sends the
   * image's big layer only in part, then stalls; everything else passes through.
   */
  async function stallingProxy(repo: string) {
    const unique = await buildBusyboxImage({
      files: { "/etc/unique": `${repo} ${Date.now()}\n`.repeat(50_000) },
    });
    await unique.push(`${registry.host}/acc/${repo}:v1`);
    await unique.remove();
    const front = await proxy(registry.url, async (req, res, forward) => {
      if (req.method !== "GET" || !req.url?.includes("/blobs/")) return forward();
      const body = Buffer.from(await (await fetch(`${registry.url}${req.url}`)).arrayBuffer());
      res.writeHead(200, { "content-length": String(body.length) });
      if (body.length > 100_000)
        res.write(body.subarray(0, 1000)); // the big layer never finishes
      else res.end(body);
    });
    servers.push(front.server);
    return front;
  }

  test("pull from a loopback registry reports progress, unpacks, and the image runs", async () => {
    const events: PullProgress[] = [];
    const ref = `${registry.host}/acc/busybox:v1`;
    const img = await d.client.images.pull(ref, { onProgress: (p) => events.push(p) });
    assert.equal(img.name, ref);
    assert.equal(await img.isUnpacked(), true);
    const layers = events.filter((e) => e.kind === "layer" && e.complete);
    assert.equal(layers.length, 2);
    for (const l of layers) assert.equal(l.done, l.total);
    const result = await d.client.run({ image: ref });
    assert.equal(result.stdout, "pulled\n");
    const { stdout } = await ctr(d, "images", "check");
    assert.match(stdout, /acc\/busybox:v1.*complete/);
  });

  test("a client-side pull and unpack of a 2-layer image costs 14 RPCs (the Go client spends 32)", async () => {
    const before = await d.ctr.rpcCounts();
    await d.client.withNamespace("budget").images.pull(`${registry.host}/acc/busybox:v1`, { via: "client" });
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    assert.equal(rpcTotal(delta), 14, JSON.stringify([...delta]));
    assert.equal(delta.get("containerd.services.content.v1.Content/Write"), 4);
    assert.equal(delta.get("containerd.services.diff.v1.Diff/Apply"), 2);
  });

  test("pull with basic auth succeeds with credentials", async () => {
    const ref = `${secured.host}/acc/busybox:v1`;
    const img = await d.client.withNamespace("basic").images.pull(ref, { auth });
    assert.equal(img.name, ref);
  });

  test("pull from a basic-auth registry without credentials rejects with UnauthenticatedError (401)", async () => {
    const ns = d.client.withNamespace("noauth");
    const err = await ns.images.pull(`${secured.host}/acc/busybox:v1`).catch((e: unknown) => e);
    assert.ok(err instanceof UnauthenticatedError, String(err));
    assert.equal(err.statusCode(), 401);
    assert.match(err.message, new RegExp(secured.host));
    assert.deepEqual(await ns.images.list(), []);
    assert.deepEqual(await ns.leases.list(), []);
  });

  test("pull with a bearer challenge fetches a token from the realm and sends it", async () => {
    let tokenRequests = 0;
    let realm = "";
    const front = await proxy(registry.url, async (req, res, forward) => {
      if (req.url?.startsWith("/token")) {
        tokenRequests++;
        const url = new URL(req.url, "http://x");
        assert.equal(url.searchParams.get("scope"), "repository:acc/busybox:pull");
        assert.equal(url.searchParams.get("service"), "test-registry");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ token: "tok-123" }));
        return;
      }
      if (req.headers.authorization !== "Bearer tok-123") {
        res.writeHead(401, {
          "www-authenticate": `Bearer realm="${realm}",service="test-registry",scope="repository:acc/busybox:pull"`,
        });
        res.end();
        return;
      }
      await forward();
    });
    servers.push(front.server);
    realm = `http://${front.host}/token`;
    const ref = `${front.host}/acc/busybox:v1`;
    const img = await d.client.withNamespace("bearer").images.pull(ref);
    assert.equal(img.name, ref);
    assert.equal(tokenRequests, 1);
  });

  test("a pull cut off mid-layer inside withLease resumes with a Range request", async () => {
    const unique = await buildBusyboxImage({ files: { "/etc/unique": `resume ${Date.now()}` } });
    await unique.push(`${registry.host}/acc/resume:v1`);
    await unique.remove();
    const ranges: string[] = [];
    let cut = true;
    const front = await proxy(registry.url, async (req, res, forward) => {
      if (req.method === "GET" && req.url?.includes("/blobs/")) {
        if (req.headers.range) ranges.push(req.headers.range);
        const up = await fetch(`${registry.url}${req.url}`, { headers: { range: req.headers.range ?? "" } });
        const body = Buffer.from(await up.arrayBuffer());
        const headers: Record<string, string> = { "content-length": String(body.length) };
        const contentRange = up.headers.get("content-range");
        if (contentRange) headers["content-range"] = contentRange;
        res.writeHead(up.status, headers);
        if (cut && body.length > 1_060_000) {
          res.write(body.subarray(0, 1_050_000));
          setTimeout(() => res.destroy(), 50); // the connection drops mid-body
          return;
        }
        res.end(body);
        return;
      }
      await forward();
    });
    servers.push(front.server);
    const ns = d.client.withNamespace("resume");
    const ref = `${front.host}/acc/resume:v1`;
    let kept = 0;
    await ns.withLease(async () => {
      await assert.rejects(
        ns.images.pull(ref, { via: "client" }),
        (err: unknown) => err instanceof UnavailableError && /broke off/.test(err.message),
      );
      const ingests = await ns.content.ingests({ filters: ["ref~=^layer-"] });
      assert.equal(ingests.length, 1);
      kept = ingests[0]?.offset ?? 0;
      assert.ok(kept >= 1 << 20, `kept ${kept} bytes`);
      cut = false;
      await ns.images.pull(ref, { via: "client" });
    });
    assert.deepEqual(ranges, [`bytes=${kept}-`]);
    assert.equal(await (await ns.images.get(ref)).isUnpacked(), true);
  });

  test("pull with a bearer challenge and credentials posts a password grant to the realm", async () => {
    const grants: Record<string, string>[] = [];
    let realm = "";
    const front = await proxy(registry.url, async (req, res, forward) => {
      if (req.url?.startsWith("/token")) {
        let body = "";
        for await (const chunk of req) body += String(chunk);
        const form = Object.fromEntries(new URLSearchParams(body));
        grants.push(form);
        const ok = req.method === "POST" && form.username === "alice" && form.password === "s3cret";
        res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        res.end(ok ? JSON.stringify({ access_token: "tok-post" }) : "{}");
        return;
      }
      if (req.headers.authorization !== "Bearer tok-post") {
        res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="svc"` });
        res.end();
        return;
      }
      await forward();
    });
    servers.push(front.server);
    realm = `http://${front.host}/token`;
    const ref = `${front.host}/acc/busybox:v1`;
    await d.client.withNamespace("bearer-post").images.pull(ref, { auth });
    assert.equal(grants.length, 1);
    assert.deepEqual(
      { grant_type: grants[0]?.grant_type, scope: grants[0]?.scope, service: grants[0]?.service },
      { grant_type: "password", scope: "repository:acc/busybox:pull", service: "svc" },
    );
  });

  test("a missing tag rejects with NotFoundError (404) naming the reference", async () => {
    const err = await d.client.images.pull(`${registry.host}/acc/busybox:nope`).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.equal(err.statusCode(), 404);
    assert.match(err.message, /acc\/busybox:nope/);
  });

  test("a registry answering 500 rejects with InternalError keeping status 500", async () => {
    const front = await proxy(registry.url, (_req, res) => {
      res.writeHead(500);
      res.end("boom");
    });
    servers.push(front.server);
    const err = await d.client.images.pull(`${front.host}/acc/busybox:v1`).catch((e: unknown) => e);
    assert.ok(err instanceof InternalError, String(err));
    assert.equal(err.statusCode(), 500);
  });

  test("a blob that does not match its digest rejects with DataLossError and leaves no image or lease", async () => {
    const front = await proxy(registry.url, async (req, res, forward) => {
      if (req.method === "GET" && req.url?.includes("/blobs/")) {
        const up = await fetch(`${registry.url}${req.url}`);
        const body = Buffer.from(await up.arrayBuffer());
        if (body.length > 100_000) body.writeUInt8(body.readUInt8(body.length >> 1) ^ 0xff, body.length >> 1); // corrupt the big layer only
        res.writeHead(200, { "content-length": String(body.length) });
        res.end(body);
        return;
      }
      await forward();
    });
    servers.push(front.server);
    // Content already in the daemon is reused across namespaces, so push a layer it has never seen,
    // big enough to be corrupted even compressed (random bytes do not compress).
    const unique = await buildBusyboxImage({
      files: { "/etc/unique": randomBytes(200_000).toString("base64") },
    });
    await unique.push(`${registry.host}/acc/corrupt:v1`);
    await unique.remove();
    const ns = d.client.withNamespace("corrupt");
    const err = await ns.images.pull(`${front.host}/acc/corrupt:v1`).catch((e: unknown) => e);
    assert.ok(err instanceof DataLossError, String(err));
    assert.match(err.message, /sha256:[a-f0-9]{64}/);
    assert.deepEqual(await ns.images.list(), []);
    assert.deepEqual(await ns.leases.list(), []);
    assert.deepEqual(await ns.content.ingests(), []);
  });

  test("a platform the image lacks rejects with NotFoundError", async () => {
    const err = await d.client
      .withNamespace("arm")
      .images.pull(`${registry.host}/acc/busybox:v1`, { platform: { os: "windows", architecture: "amd64" } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.match(err.message, /windows\/amd64/);
  });

  test("an unparsable reference rejects with InvalidArgumentError before any request", async () => {
    const err = await d.client.images.pull("Bad/Upper:case").catch((e: unknown) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.field, "reference");
  });

  test("an aborted pull rejects with AbortError and leaves no lease, ingest or image", async () => {
    const front = await stallingProxy("aborted");
    const ns = d.client.withNamespace("aborted");
    const controller = new AbortController();
    const pulling = ns.images.pull(`${front.host}/acc/aborted:v1`, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind === "layer" && p.done === 0) controller.abort();
      },
    });
    await assert.rejects(pulling, { name: "AbortError" });
    front.server.closeAllConnections();
    assert.deepEqual(await ns.images.list(), []);
    assert.deepEqual(await ns.leases.list(), []);
  });
  test("a pull from a registry that never answers fails with DeadlineExceededError at its timeout", async () => {
    const silent = createServer(() => {}); // takes each request and never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    servers.push(silent);
    const ns = d.client.withNamespace("stalled");
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const err = await ns.images.pull(`${host}/acc/busybox:v1`, { timeout: 300 }).catch((e: unknown) => e);
    assert.ok(err instanceof DeadlineExceededError, String(err));
    assert.equal(err.statusCode(), 504);
    assert.match(err.message, /pull .*acc\/busybox:v1 did not finish within 300 ms/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    silent.closeAllConnections();
    assert.deepEqual(await ns.leases.list(), []);
    assert.deepEqual(await ns.images.list(), []);
  });

  test("a pull whose layer stalls mid-body fails at its timeout and leaves no lease, ingest or image", async () => {
    const front = await stallingProxy("stalled");
    const ns = d.client.withNamespace("stalled-layer");
    const err = await ns.images
      .pull(`${front.host}/acc/stalled:v1`, { timeout: 1000 })
      .catch((e: unknown) => e);
    assert.ok(err instanceof DeadlineExceededError, String(err));
    front.server.closeAllConnections();
    assert.deepEqual(await ns.leases.list(), []);
    assert.deepEqual(await ns.images.list(), []);
    assert.deepEqual(await ns.content.ingests(), []);
  });

  test("a pull that finishes within its timeout succeeds", async () => {
    const img = await d.client.withNamespace("in-time").images.pull(`${registry.host}/acc/busybox:v1`, {
      timeout: 60_000,
    });
    assert.equal(await img.isUnpacked(), true);
  });
});
