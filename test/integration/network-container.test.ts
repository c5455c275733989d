// A real container on an SDK network: attached before its task exists, its spec joining the pinned
// namespace and mounting the SDK's /etc files, as containers.create will wire it.
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { applyNetwork } from "../../src/network/index.js";
import { buildSpec } from "../../src/oci/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";
import { serveHttp, useNetworks } from "../network-fixtures.js";

const d = useDaemon();
// A resolv.conf of the test's own whose only nameserver is loopback: the container's is then empty of
// nameservers, so no name can ever become a DNS query off this machine.
const resolvConf = join(tmpdir(), `sdk-net-resolv-${process.pid}.conf`);
before(() => writeFile(resolvConf, "search sdk.test\nnameserver 127.0.0.53\n"));
after(() => rm(resolvConf, { force: true }));
const state = useNetworks({ resolvConf });

test("a container runs in its pinned namespace with its address and /etc files, and reaches its peer", async () => {
  const { networks } = state;
  const inNamespace = networks.withNamespace(d.client.namespace);
  await networks.create("ctrnet");
  const backend = await networks.attach("backend", { name: "ctrnet", aliases: ["db"] });
  await serveHttp(backend.netnsPath as string, 8080, "from-backend");

  const id = uniqueId("net");
  const att = await inNamespace.attach(id, "ctrnet", { hostname: "client1" });
  const script = [
    "cat /etc/hostname",
    "cat /etc/resolv.conf",
    "grep -w db /etc/hosts",
    "ip -4 -o addr show eth0",
    `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${backend.ip} 8080 | tail -1`,
  ].join("; ");
  const spec = applyNetwork(
    buildSpec({ args: ["/bin/sh", "-c", script] }, { id, namespace: d.client.namespace }),
    att,
  );
  const { exitCode, stdout } = await d.client.run({ id, rootfs: d.rootfs, spec });
  await inNamespace.detach(id);
  const lines = stdout.trim().split("\n");
  assert.equal(exitCode, 0, stdout);
  assert.equal(lines[0], "client1");
  assert.equal(lines[1], "search sdk.test");
  assert.equal(lines[2], `${backend.ip}\tbackend db`);
  assert.match(lines[3] ?? "", new RegExp(`inet ${att.ip?.replaceAll(".", "\\.")}/24`));
  assert.equal(lines[4], "from-backend");
  assert.equal(
    await readFile(att.files.hosts, "utf8").catch(() => "gone"),
    "gone",
    "detach removed the files",
  );
});
