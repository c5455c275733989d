// Published ports: the host reaches a container's server through portmap on loopback and on its own
// address; unpublished ports stay closed; host ports the SDK picks never collide; a port in use is
// a 409 naming it. A pinned namespace with busybox httpd stands in for a container.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { ConflictError, InvalidArgumentError } from "../../src/errors/index.js";
import { hostPortOf } from "../../src/network/index.js";
import { hostAddress, httpGet, serveHttp, useNetworks } from "../network-fixtures.js";

const state = useNetworks();

describe("published ports", () => {
  test("answer on 127.0.0.1 and on the host's own address; unpublished ports do not", async () => {
    const { networks } = state;
    await networks.create("pubnet");
    const att = await networks.attach("web", { name: "pubnet", ports: [{ containerPort: 8080 }] });
    const hostPort = hostPortOf(att, 8080);
    assert.ok(hostPort && hostPort >= 20000 && hostPort <= 32767, `host port ${hostPort}`);
    assert.equal(att.ports[0]?.hostIp, "0.0.0.0");
    await serveHttp(att.netnsPath as string, 8080, "web-8080");
    await serveHttp(att.netnsPath as string, 9090, "web-9090");

    assert.equal(await httpGet("127.0.0.1", hostPort), "web-8080");
    assert.equal(await httpGet(await hostAddress(), hostPort), "web-8080");
    assert.equal(await httpGet(att.ip as string, 9090), "web-9090", "the unpublished server runs");
    assert.equal(await httpGet("127.0.0.1", 9090), undefined);
    assert.equal(await httpGet(await hostAddress(), 9090), undefined);
  });

  test("a given host port is published as given", async () => {
    const { networks } = state;
    const free = await freePort();
    const att = await networks.attach("fixed", {
      name: "pubnet",
      ports: [{ containerPort: 80, hostPort: free }],
    });
    assert.deepEqual(att.ports, [{ containerPort: 80, hostPort: free, hostIp: "0.0.0.0", protocol: "tcp" }]);
    await serveHttp(att.netnsPath as string, 80, "fixed-80");
    assert.equal(await httpGet("127.0.0.1", free), "fixed-80");
  });

  test("20 attachments at once get distinct host ports, every one answering", async () => {
    const { networks } = state;
    const ids = Array.from({ length: 20 }, (_, i) => `many${i}`);
    const atts = await Promise.all(
      ids.map((id) => networks.attach(id, { name: "pubnet", ports: [{ containerPort: 8080 }] })),
    );
    const ports = atts.map((a) => hostPortOf(a, 8080));
    assert.equal(new Set(ports).size, 20, `ports ${ports.join(", ")}`);
    assert.equal(new Set(atts.map((a) => a.ip)).size, 20);
    await Promise.all(atts.map((a) => serveHttp(a.netnsPath as string, 8080, a.containerId)));
    const answers = await Promise.all(ports.map((p) => httpGet("127.0.0.1", p as number)));
    assert.deepEqual(answers, ids);
    await Promise.all(ids.map((id) => networks.detach(id)));
  });

  test("a host port a host program listens on is a 409 naming the port, and nothing stays", async () => {
    const { networks } = state;
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await assert.rejects(
        networks.attach("clash", { name: "pubnet", ports: [{ containerPort: 80, hostPort: port }] }),
        (err: unknown) => {
          assert.ok(err instanceof ConflictError, String(err));
          assert.equal(err.statusCode(), 409);
          assert.match(err.message, new RegExp(`:${port}/tcp`));
          return true;
        },
      );
      assert.equal(await networks.attachmentOf("clash"), undefined);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a host port another attachment publishes is a 409 too", async () => {
    const { networks } = state;
    const taken = hostPortOf((await networks.attachmentOf("web")) ?? { name: "", ports: [] }, 8080) as number;
    await assert.rejects(
      networks.attach("clash2", { name: "pubnet", ports: [{ containerPort: 80, hostPort: taken }] }),
      (err: unknown) => err instanceof ConflictError && err.message.includes(`${taken}/tcp`),
    );
  });

  test("a port number out of range is refused before any work", async () => {
    const { networks } = state;
    await assert.rejects(
      networks.attach("bad", { name: "nosuchnet", ports: [{ containerPort: 70000 }] }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "network.ports[0].containerPort",
    );
  });
});

/** A port nothing on the host listens on now (the kernel's pick, let go at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
