// Network options are checked before any work; each failure names its field.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { resolveContext } from "../../src/network/context.js";
import { conflictingClaim } from "../../src/network/ports.js";
import {
  checkAttachRequest,
  checkCreateOptions,
  checkNetworkName,
  checkPorts,
} from "../../src/network/validate.js";

function rejects(fn: () => unknown, field: string, text?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.field, field);
    if (text) assert.match(err.message, text);
    return true;
  });
}

describe("port mappings", () => {
  test("fill in tcp, every host address and a host port to choose", () => {
    assert.deepEqual(checkPorts([{ containerPort: 6379 }], "ports"), [
      { containerPort: 6379, hostPort: 0, hostIp: "", protocol: "tcp" },
    ]);
  });

  test("keep a given host port, address and protocol; 0.0.0.0 means every address", () => {
    assert.deepEqual(
      checkPorts([{ containerPort: 53, hostPort: 5353, hostIp: "0.0.0.0", protocol: "udp" }], "ports"),
      [{ containerPort: 53, hostPort: 5353, hostIp: "", protocol: "udp" }],
    );
  });

  test("reject a port number out of range, naming the field", () => {
    rejects(
      () => checkPorts([{ containerPort: 70000 }], "network.ports"),
      "network.ports[0].containerPort",
      /70000/,
    );
    rejects(() => checkPorts([{ containerPort: 80, hostPort: -1 }], "p"), "p[0].hostPort");
    rejects(() => checkPorts([{ containerPort: 0 }], "p"), "p[0].containerPort");
    rejects(() => checkPorts([{ containerPort: 8.5 }], "p"), "p[0].containerPort");
  });

  test("reject an unknown protocol, a non-IPv4 host address and unknown keys", () => {
    rejects(() => checkPorts([{ containerPort: 80, protocol: "sctp" }], "p"), "p[0].protocol");
    rejects(() => checkPorts([{ containerPort: 80, hostIp: "::1" }], "p"), "p[0].hostIp");
    rejects(() => checkPorts([{ containerPort: 80, hostport: 8080 }], "p"), "p[0].hostport");
  });

  test("reject two mappings of one host port, or of one container port twice", () => {
    rejects(
      () =>
        checkPorts(
          [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81, hostPort: 8080 },
          ],
          "p",
        ),
      "p[1]",
      /repeats p\[0\]/,
    );
    rejects(() => checkPorts([{ containerPort: 80 }, { containerPort: 80 }], "p"), "p[1]");
    assert.equal(checkPorts([{ containerPort: 80 }, { containerPort: 80, protocol: "udp" }], "p").length, 2);
  });

  test("a claim conflicts on the same protocol and port when the addresses meet", () => {
    const claims = [{ protocol: "tcp" as const, hostIp: "127.0.0.1", hostPort: 8080, owner: "/x" }];
    assert.ok(conflictingClaim(claims, { protocol: "tcp", hostIp: "", hostPort: 8080 }));
    assert.ok(conflictingClaim(claims, { protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8080 }));
    assert.equal(
      conflictingClaim(claims, { protocol: "tcp", hostIp: "192.0.2.2", hostPort: 8080 }),
      undefined,
    );
    assert.equal(conflictingClaim(claims, { protocol: "udp", hostIp: "", hostPort: 8080 }), undefined);
  });
});

describe("network requests", () => {
  test('"none" is the default; "host" and "none" are modes', () => {
    assert.deepEqual(checkAttachRequest(undefined), { mode: "none" });
    assert.deepEqual(checkAttachRequest("host"), { mode: "host" });
    assert.deepEqual(checkAttachRequest({ name: "none" }), { mode: "none" });
  });

  test("a name or an object joins a network; the default network is bridge", () => {
    assert.deepEqual(checkAttachRequest("bridge"), {
      mode: "bridge",
      network: "bridge",
      ports: [],
      aliases: [],
    });
    assert.deepEqual(checkAttachRequest({ ports: [{ containerPort: 80 }] }), {
      mode: "bridge",
      network: "bridge",
      ports: [{ containerPort: 80, hostPort: 0, hostIp: "", protocol: "tcp" }],
      aliases: [],
    });
    assert.deepEqual(checkAttachRequest({ name: "appnet", aliases: ["cache"] }).mode, "bridge");
  });

  test("{ container } shares another container's namespace", () => {
    assert.deepEqual(checkAttachRequest({ container: "web" }), { mode: "container", peer: "web" });
    rejects(() => checkAttachRequest({ container: "web", ports: [] }), "network.ports");
    rejects(() => checkAttachRequest({ container: "../x" }), "network.container");
  });

  test("bad names, aliases and shapes name their field", () => {
    rejects(() => checkAttachRequest({ name: "bad name" }), "network.name");
    rejects(() => checkAttachRequest({ name: "appnet", aliases: ["-x"] }), "network.aliases[0]");
    rejects(
      () => checkAttachRequest({ name: "appnet", ports: [{ containerPort: 70000 }] }),
      "network.ports[0].containerPort",
    );
    rejects(() => checkAttachRequest(42), "network");
  });

  test("host ports cannot be published on host or none", () => {
    rejects(() => checkAttachRequest({ name: "host", ports: [{ containerPort: 80 }] }), "network.ports");
  });
});

describe("networks.create options", () => {
  test("host and none are not network names", () => {
    rejects(() => checkNetworkName("host"), "name", /network mode/);
    rejects(() => checkNetworkName(""), "name");
  });

  test("a subnet must be an aligned IPv4 block from /8 to /30", () => {
    assert.equal(checkCreateOptions({ subnet: "10.89.0.0/24" }).subnet?.prefix, 24);
    rejects(
      () => checkCreateOptions({ subnet: "10.89.0.5/24" }),
      "options.subnet",
      /did you mean 10\.89\.0\.0\/24/,
    );
    rejects(() => checkCreateOptions({ subnet: "10.89.0.0/31" }), "options.subnet");
    rejects(() => checkCreateOptions({ subnet: "fd00::/64" }), "options.subnet");
  });

  test("a gateway must be a host address of the subnet", () => {
    assert.ok(checkCreateOptions({ subnet: "10.89.0.0/24", gateway: "10.89.0.254" }).gateway);
    rejects(() => checkCreateOptions({ subnet: "10.89.0.0/24", gateway: "10.89.1.1" }), "options.gateway");
    rejects(() => checkCreateOptions({ subnet: "10.89.0.0/24", gateway: "10.89.0.255" }), "options.gateway");
    rejects(() => checkCreateOptions({ gateway: "10.89.0.1" }), "options.gateway", /needs a subnet/);
  });

  test("a bridge name fits an interface name; labels are strings", () => {
    rejects(() => checkCreateOptions({ bridge: "a-very-long-bridge-name" }), "options.bridge");
    rejects(() => checkCreateOptions({ bridge: "br/0" }), "options.bridge");
    rejects(() => checkCreateOptions({ labels: { a: 1 } }), "options.labels.a");
    rejects(() => checkCreateOptions({ subnett: "10.0.0.0/8" }), "options.subnett");
  });
});

describe("Networks options", () => {
  test("default to the host's state directory and Debian's plugin directory", () => {
    const ctx = resolveContext();
    assert.equal(ctx.paths.root, "/var/lib/containerd-sdk/cni");
    assert.deepEqual(ctx.pluginDirs, ["/usr/lib/cni", "/opt/cni/bin"]);
    assert.deepEqual(ctx.hostPortRange, [20000, 32767]);
  });

  test("reject a relative state directory and a reversed port range", () => {
    rejects(() => resolveContext({ stateDir: "state" }), "stateDir");
    rejects(() => resolveContext({ hostPortRange: [30000, 20000] }), "hostPortRange[1]");
  });
});
