// The conflist the SDK writes for a network, and the record it carries.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildConflist, networkOf, pluginTypes } from "../../src/network/conflist.js";
import type { Network } from "../../src/network/index.js";

const network: Network = {
  name: "appnet",
  subnet: "10.89.4.0/24",
  gateway: "10.89.4.1",
  bridge: "csdk0a590400",
  labels: { team: "db" },
  createdAt: new Date("2025-01-02T03:04:05.000Z"),
};

describe("buildConflist", () => {
  const conflist = buildConflist(network, "/state/ipam");

  test("is named after the bridge, which is unique on the host, and speaks CNI 1.0.0", () => {
    assert.equal(conflist.name, "csdk0a590400");
    assert.equal(conflist.cniVersion, "1.0.0");
  });

  test("chains the bridge alone; masquerade, ports and forwarding are the SDK's own rules", () => {
    assert.deepEqual(
      conflist.plugins.map((p) => p.type),
      ["bridge"],
    );
  });

  test("gives the bridge its gateway, hairpin and a private host-local dataDir, and no masquerade", () => {
    assert.deepEqual(conflist.plugins[0], {
      type: "bridge",
      bridge: "csdk0a590400",
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ipam: {
        type: "host-local",
        ranges: [[{ subnet: "10.89.4.0/24", gateway: "10.89.4.1" }]],
        routes: [{ dst: "0.0.0.0/0" }],
        dataDir: "/state/ipam",
      },
    });
  });

  test("carries the network's record, read back unchanged through JSON", () => {
    assert.deepEqual(networkOf(JSON.parse(JSON.stringify(conflist))), network);
    assert.equal(networkOf({ cniVersion: "1.0.0", name: "other", plugins: [] }), undefined);
  });

  test("names every plugin it needs, loopback and host-local included", () => {
    assert.deepEqual(pluginTypes(conflist), ["loopback", "bridge", "host-local"]);
  });
});
