// How an attachment changes a container's spec.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyNetwork, hostPortOf, type NetworkAttachment } from "../../src/network/index.js";
import { defaultSpec } from "../../src/oci/index.js";

const files = { hosts: "/s/etc/h", hostname: "/s/etc/n", resolvConf: "/s/etc/r" };
const base = { containerId: "db", namespace: "default", hostname: "db", aliases: [], ports: [], files };
const bridge: NetworkAttachment = {
  ...base,
  mode: "bridge",
  name: "appnet",
  ip: "10.89.4.2",
  gateway: "10.89.4.1",
  netnsPath: "/s/netns/default/db",
  ports: [
    { containerPort: 6379, hostPort: 24001, hostIp: "0.0.0.0", protocol: "tcp" },
    { containerPort: 6379, hostPort: 24002, hostIp: "0.0.0.0", protocol: "udp" },
  ],
};
const spec = () => defaultSpec({ id: "db", namespace: "default" });
const networkNs = (s: ReturnType<typeof spec>) => s.linux?.namespaces?.filter((ns) => ns.type === "network");

describe("applyNetwork", () => {
  test("a bridge attachment joins the pinned namespace by path", () => {
    assert.deepEqual(networkNs(applyNetwork(spec(), bridge)), [
      { type: "network", path: "/s/netns/default/db" },
    ]);
  });

  test("host drops the network namespace; none keeps a fresh one", () => {
    assert.deepEqual(networkNs(applyNetwork(spec(), { ...base, mode: "host", name: "host" })), []);
    assert.deepEqual(networkNs(applyNetwork(spec(), { ...base, mode: "none", name: "none" })), [
      { type: "network" },
    ]);
  });

  test("sharing a host-network container's namespace means the host's", () => {
    const joined: NetworkAttachment = { ...base, mode: "container", name: "container:web", peer: "web" };
    assert.deepEqual(networkNs(applyNetwork(spec(), joined)), []);
  });

  test("bind-mounts hosts, hostname and resolv.conf, unless the spec mounts one already", () => {
    const mounts = applyNetwork(spec(), bridge).mounts ?? [];
    assert.deepEqual(
      mounts.filter((m) => m.destination.startsWith("/etc/")),
      [
        { destination: "/etc/hosts", type: "bind", source: "/s/etc/h", options: ["rbind", "rprivate"] },
        { destination: "/etc/hostname", type: "bind", source: "/s/etc/n", options: ["rbind", "rprivate"] },
        { destination: "/etc/resolv.conf", type: "bind", source: "/s/etc/r", options: ["rbind", "rprivate"] },
      ],
    );
    const own = spec();
    own.mounts?.push({ destination: "/etc/hosts", type: "bind", source: "/mine" });
    const kept = applyNetwork(own, bridge).mounts?.filter((m) => m.destination === "/etc/hosts");
    assert.deepEqual(
      kept?.map((m) => m.source),
      ["/mine"],
    );
  });

  test("sets the hostname only when the spec has none, and copies the spec", () => {
    const original = spec();
    assert.equal(applyNetwork(original, bridge).hostname, "db");
    assert.equal(applyNetwork({ ...original, hostname: "given" }, bridge).hostname, "given");
    assert.equal(
      original.mounts?.some((m) => m.destination === "/etc/hosts"),
      false,
    );
  });
});

describe("hostPortOf", () => {
  test("finds the host port of a container port by protocol", () => {
    assert.equal(hostPortOf(bridge, 6379), 24001);
    assert.equal(hostPortOf(bridge, 6379, "udp"), 24002);
    assert.equal(hostPortOf(bridge, 80), undefined);
  });
});
