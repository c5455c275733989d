// Several services at once, each on its own host port, each removed by its disposal; the session
// network made for the first and removed after the last; reusable services found again by their
// options and left running.
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, test } from "node:test";
import { REUSE_LABEL, startService, wait } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";
import { leftoversOf, sessionContainers, sessionNetworks, useBusyboxImage } from "../service-fixtures.js";

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve(body));
    })
      .on("error", reject)
      .end();
  });
}

describe("testing: many services, and reuse", () => {
  const d = useDaemon();
  const busybox = useBusyboxImage(d);

  /** busybox httpd on port 80 answering `marker`. */
  const web = (marker: string) => ({
    image: busybox.name,
    args: ["httpd", "-f", "-p", "80", "-h", "/www"],
    files: [{ target: "/www/index.html", content: `${marker}\n` }],
    ports: [80],
    wait: wait.forHttp({ port: 80 }),
    startupTimeout: 60_000,
  });

  test("five services at once get five host ports; disposing each removes it, and the session network stays for later services", async () => {
    const services = await Promise.all([1, 2, 3, 4, 5].map((n) => startService(d.client, web(`web ${n}`))));
    const ports = services.map((s) => s.port(80));
    assert.equal(new Set(ports).size, 5);
    assert.deepEqual(await Promise.all(ports.map(get)), [
      "web 1\n",
      "web 2\n",
      "web 3\n",
      "web 4\n",
      "web 5\n",
    ]);
    assert.equal((await sessionNetworks(d)).length, 1);
    for (const service of services) {
      await service[Symbol.asyncDispose]();
      assert.deepEqual(await leftoversOf(d, service.id), []);
    }
    assert.deepEqual(await sessionContainers(d), []);
    assert.equal((await sessionNetworks(d)).length, 1);
  });

  test("reuse hands back the running container made with the same options, and disposal leaves it", async () => {
    const first = await startService(d.client, { ...web("kept"), name: "reusable", reuse: true });
    const again = await startService(d.client, { ...web("kept"), name: "reusable", reuse: true });
    const other = await startService(d.client, { ...web("other"), name: "reusable", reuse: true });
    try {
      assert.deepEqual([first.reused, again.reused, other.reused], [false, true, false]);
      assert.equal(again.id, first.id);
      assert.notEqual(other.id, first.id);
      assert.equal(again.port(80), first.port(80));
      assert.equal(await get(again.port(80)), "kept\n");
      assert.match((await first.container.info()).labels[REUSE_LABEL] ?? "", /^[0-9a-f]{16}$/);
      await again.stop();
      await first.stop();
      assert.equal((await first.task.status()).status, "running");
      assert.deepEqual(await sessionContainers(d), [], "a reusable service is not the session's");
    } finally {
      for (const s of [first, other]) await s.container.delete({ force: true });
      await d.client.networks.delete("csdk-reuse");
    }
  });

  test("two starts at once of one reusable service share one container", async () => {
    const options = { ...web("race"), name: "racing", reuse: true };
    const [a, b] = await Promise.all([startService(d.client, options), startService(d.client, options)]);
    try {
      assert.equal(a.id, b.id);
      assert.deepEqual([a.reused, b.reused].sort(), [false, true]);
      assert.equal(await get(b.port(80)), "race\n");
    } finally {
      await a.container.delete({ force: true });
      await d.client.networks.delete("csdk-reuse");
    }
  });
});
