// containers.create's `network` option and the client's `network` connect option, checked before
// any work; the record's spec rewritten to join an attachment.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { HandleContext } from "../../src/containers/handle-context.js";
import { checkClientNetworkOptions, checkNetworkOption, withNetwork } from "../../src/containers/network.js";
import { containerRecord } from "../../src/containers/record.js";
import { Client, InvalidArgumentError, type NetworkAttachment } from "../../src/index.js";
import { decodeAny } from "../../src/typeurl/index.js";

const local = {} as HandleContext;
const remote = { remote: true } as HandleContext;
const naming = (field: string) => (err: unknown) =>
  err instanceof InvalidArgumentError && err.field === field;

describe("containers.create's network option", () => {
  test('is "none" when absent, for local and remote clients alike', () => {
    assert.deepEqual(checkNetworkOption(local, {}), { mode: "none" });
    assert.deepEqual(checkNetworkOption(remote, { network: "none" }), { mode: "none" });
  });

  test("a remote client is refused anything else, naming the field", () => {
    for (const network of ["bridge", "host", { container: "web" }, { name: "appnet" }]) {
      assert.throws(() => checkNetworkOption(remote, { network }), naming("network"));
    }
  });

  test("a port out of range names its field", () => {
    const network = { name: "appnet", ports: [{ containerPort: 70000 }] };
    assert.throws(() => checkNetworkOption(local, { network }), naming("network.ports[0].containerPort"));
  });

  test("a hostname that cannot go in a hosts file is refused only when there is a network", () => {
    assert.throws(
      () => checkNetworkOption(local, { network: "bridge", hostname: "a_b" }),
      naming("hostname"),
    );
    assert.deepEqual(checkNetworkOption(local, { hostname: "a_b" }), { mode: "none" });
  });
});

describe("withNetwork", () => {
  test("the record's spec joins the pinned namespace and mounts the /etc files", () => {
    const record = containerRecord("ns", "web", { rootfs: "/rootfs", args: ["true"] }, { user: undefined });
    const attachment: NetworkAttachment = {
      containerId: "web",
      namespace: "ns",
      mode: "bridge",
      name: "appnet",
      ip: "10.89.0.2",
      ports: [],
      netnsPath: "/state/netns/ns/web",
      hostname: "web",
      aliases: [],
      files: { hosts: "/e/hosts", hostname: "/e/hostname", resolvConf: "/e/resolv.conf" },
    };
    withNetwork(record, attachment);
    const spec = decodeAny(record.spec as NonNullable<typeof record.spec>).value as {
      linux: { namespaces: { type: string; path?: string }[] };
      mounts: { destination: string; source: string }[];
      hostname: string;
    };
    assert.deepEqual(
      spec.linux.namespaces.find((ns) => ns.type === "network"),
      { type: "network", path: "/state/netns/ns/web" },
    );
    assert.equal(spec.mounts.find((m) => m.destination === "/etc/hosts")?.source, "/e/hosts");
    assert.equal(spec.hostname, "web");
  });
});

describe("the client's network option", () => {
  test("takes the layer's options and refuses the view's own", () => {
    assert.deepEqual(checkClientNetworkOptions(undefined), {});
    assert.deepEqual(checkClientNetworkOptions({ stateDir: "/tmp/x" }), { stateDir: "/tmp/x" });
    assert.throws(() => checkClientNetworkOptions({ namespace: "other" }), naming("network.namespace"));
    assert.throws(() => checkClientNetworkOptions({ isAlive: () => true }), naming("network.isAlive"));
    assert.throws(() => checkClientNetworkOptions("x"), naming("network"));
    assert.throws(() => checkClientNetworkOptions({ stateDir: "relative" }), naming("stateDir"));
  });

  test("Client.connect checks it before connecting", async () => {
    await assert.rejects(
      Client.connect({ address: "/nonexistent.sock", network: { stateDir: "relative" } }),
      naming("stateDir"),
    );
  });
});
