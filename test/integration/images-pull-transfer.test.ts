import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  InvalidArgumentError,
  NotImplementedError,
  type PullOptions,
  type PullProgress,
} from "../../src/index.js";
import {
  type BuiltImage,
  buildBusyboxImage,
  type RegistryInstance,
  rpcDelta,
  rpcTotal,
  startRegistry,
} from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";

const TRANSFER = "containerd.services.transfer.v1.Transfer/Transfer";

describe("images: pull through the Transfer service", () => {
  const d = useDaemon({ metrics: true });
  let image: BuiltImage;
  let registry: RegistryInstance;
  let secured: RegistryInstance;
  let major = 0;
  const auth = { username: "bob", password: "hunter2" };

  before(async () => {
    image = await buildBusyboxImage({
      cmd: ["/bin/cat", "/etc/marker"],
      files: { "/etc/marker": "moved\n" },
    });
    [registry, secured] = await Promise.all([startRegistry(), startRegistry({ auth })]);
    await Promise.all([
      image.push(`${registry.host}/xfer/busybox:v1`),
      image.push(`${secured.host}/xfer/busybox:v1`, { auth }),
    ]);
    major = Number(/^v?(\d+)\./.exec((await d.client.version()).version)?.[1]);
  });
  after(async () => {
    await Promise.all([registry?.stop(), secured?.stop(), image?.remove()]);
  });

  /** What a Transfer pull from these plain-HTTP registries gives before containerd 2.0: a refusal, nothing left. */
  async function refusedBefore2(ns: string): Promise<void> {
    const client = d.client.withNamespace(ns);
    const err = await client.images
      .pull(`${registry.host}/xfer/busybox:v1`, { via: "transfer" })
      .catch((e) => e);
    assert.ok(err instanceof NotImplementedError, String(err));
    assert.match(err.message, /containerd 2\.0/);
    assert.deepEqual(await client.leases.list(), []);
    assert.deepEqual(await client.images.list(), []);
  }

  /**
   * From containerd 2.0, Transfer fetches from plain-HTTP registries such as these: `fn` checks what
   * it does. Before, the same pull is refused up front, and that is checked instead.
   */
  const withTransfer = (name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      if (major >= 2) await fn();
      else await refusedBefore2(`xfer-old-${Math.random().toString(36).slice(2, 8)}`);
    });

  withTransfer(
    "a pull via transfer costs 4 RPCs (a lease around Transfer, then Images.Get) and the image runs",
    async () => {
      const ns = d.client.withNamespace("xfer-budget");
      const ref = `${registry.host}/xfer/busybox:v1`;
      // The connection's first Transfer pull also asks the daemon's version, once.
      await d.client.withNamespace("xfer-warm").images.pull(ref, { via: "transfer", unpack: false });
      const before = await d.ctr.rpcCounts();
      const img = await ns.images.pull(ref, { via: "transfer" });
      const delta = rpcDelta(before, await d.ctr.rpcCounts());
      assert.equal(rpcTotal(delta), 4, JSON.stringify([...delta]));
      assert.equal(delta.get(TRANSFER), 1);
      assert.equal(img.name, ref);
      assert.equal(await img.isUnpacked(), true);
      assert.equal((await ns.run({ image: ref })).stdout, "moved\n");
      assert.deepEqual(await ns.leases.list(), []);
    },
  );

  withTransfer("a pull via transfer reports each layer's progress up to complete", async () => {
    const events: PullProgress[] = [];
    const ns = d.client.withNamespace("xfer-progress");
    await ns.images.pull(`${registry.host}/xfer/busybox:v1`, {
      via: "transfer",
      onProgress: (p) => events.push(p),
    });
    const layers = events.filter((e) => e.kind === "layer" && e.complete);
    assert.equal(new Set(layers.map((e) => e.digest)).size, 2, JSON.stringify(events));
    for (const l of layers) assert.equal(l.done, l.total);
    assert.ok(
      events.some((e) => e.kind === "manifest"),
      JSON.stringify(events),
    );
  });

  withTransfer(
    "an onProgress that throws fails a pull via transfer with its error and leaves no lease",
    async () => {
      const ns = d.client.withNamespace("xfer-throws");
      const boom = new Error("progress callback failed");
      const err = await ns.images
        .pull(`${registry.host}/xfer/busybox:v1`, {
          via: "transfer",
          onProgress: () => {
            throw boom;
          },
        })
        .catch((e: unknown) => e);
      assert.equal(err, boom);
      assert.deepEqual(await ns.leases.list(), []);
    },
  );

  withTransfer("a pull via transfer answers the daemon's credential requests with auth", async () => {
    const ref = `${secured.host}/xfer/busybox:v1`;
    const img = await d.client.withNamespace("xfer-auth").images.pull(ref, { via: "transfer", auth });
    assert.equal(img.name, ref);
  });

  withTransfer("a pull via transfer keeps labels and skips the unpack when asked", async () => {
    const ns = d.client.withNamespace("xfer-labels");
    const img = await ns.images.pull(`${registry.host}/xfer/busybox:v1`, {
      via: "transfer",
      unpack: false,
      labels: { team: "infra" },
    });
    assert.equal(img.labels.team, "infra");
    assert.equal(await img.isUnpacked(), false);
  });

  withTransfer(
    "a pull via transfer into a snapshotter the daemon does not unpack into still resolves unpacked",
    async () => {
      const ns = d.client.withNamespace("xfer-native");
      const img = await ns.images.pull(`${registry.host}/xfer/busybox:v1`, {
        via: "transfer",
        snapshotter: "native",
      });
      assert.equal(await img.isUnpacked({ snapshotter: "native" }), true);
    },
  );

  test("auto pulls through Transfer on containerd 2.x, and on the client side before it", async () => {
    const before = await d.ctr.rpcCounts();
    await d.client.withNamespace("xfer-auto").images.pull(`${registry.host}/xfer/busybox:v1`);
    const delta = rpcDelta(before, await d.ctr.rpcCounts());
    assert.equal(delta.get(TRANSFER) ?? 0, major >= 2 ? 1 : 0, JSON.stringify([...delta]));
  });

  test("an unknown via rejects with InvalidArgumentError naming via, before any request", async () => {
    const before = await d.ctr.rpcCounts();
    const options = { via: "daemon" } as unknown as PullOptions;
    const err = await d.client.images.pull(`${registry.host}/xfer/busybox:v1`, options).catch((e) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.field, "via");
    assert.equal(rpcTotal(rpcDelta(before, await d.ctr.rpcCounts())), 0);
  });

  test("via transfer with a bearer token rejects with InvalidArgumentError naming auth.token", async () => {
    const err = await d.client.images
      .pull(`${registry.host}/xfer/busybox:v1`, { via: "transfer", auth: { token: "t" } })
      .catch((e) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.field, "auth.token");
    assert.doesNotMatch(err.message, /"t"/);
  });
});
