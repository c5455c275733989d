// Who reaches whom: containers on one network reach each other by address and by the names in
// their hosts files; two networks are isolated; { container } shares a namespace; host and none
// need no CNI. Pinned namespaces with busybox httpd and nc stand in for containers.
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { describe, test } from "node:test";
import { runCommand } from "../../src/network/command.js";
import { applyNetwork } from "../../src/network/index.js";
import { defaultSpec } from "../../src/oci/index.js";
import { httpGet, serveHttp, useNetworks } from "../network-fixtures.js";

const state = useNetworks();

/**
 * GET from inside `netns` with `hostsFile` mounted over /etc/hosts, so names resolve as in a
 * container. An empty resolv.conf goes over the host's: a name missing from the file must fail, not
 * become a DNS query to the host's resolver.
 */
async function getByName(
  netns: string,
  hostsFile: string,
  name: string,
  port: number,
): Promise<string | undefined> {
  const script = `mount --bind "$1" /etc/hosts && mount --bind /dev/null /etc/resolv.conf && printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 "$2" "$3"`;
  const { stdout } = await runCommand("nsenter", [
    `--net=${netns}`,
    "unshare",
    "--mount",
    "sh",
    "-c",
    script,
    "sh",
    hostsFile,
    name,
    String(port),
  ]);
  return stdout.startsWith("HTTP/") ? stdout.trimEnd().split("\n").at(-1)?.trim() : undefined;
}

describe("one network", () => {
  test("two containers reach each other by address", async () => {
    const { networks } = state;
    await networks.create("front");
    const r1 = await networks.attach("r1", { name: "front", aliases: ["cache"] });
    const r2 = await networks.attach("r2", "front");
    await serveHttp(r1.netnsPath as string, 8080, "r1");
    await serveHttp(r2.netnsPath as string, 8080, "r2");
    assert.equal(await httpGet(r1.ip as string, 8080, { netns: r2.netnsPath as string }), "r1");
    assert.equal(await httpGet(r2.ip as string, 8080, { netns: r1.netnsPath as string }), "r2");
  });

  test("and by name and alias, from the hosts file the spec mounts", async () => {
    const { networks } = state;
    const r1 = await networks.attachmentOf("r1");
    const r2 = await networks.attachmentOf("r2");
    assert.ok(r1 && r2);
    assert.equal(await getByName(r2.netnsPath as string, r2.files.hosts, "r1", 8080), "r1");
    assert.equal(await getByName(r2.netnsPath as string, r2.files.hosts, "cache", 8080), "r1");
    assert.equal(await getByName(r1.netnsPath as string, r1.files.hosts, "r2", 8080), "r2");
  });

  test("hosts files are rewritten in place when a container joins and when it leaves", async () => {
    const { networks } = state;
    const r1 = await networks.attachmentOf("r1");
    assert.ok(r1);
    const inode = (await stat(r1.files.hosts)).ino;
    const r3 = await networks.attach("r3", { name: "front", aliases: ["late"] });
    assert.match(await readFile(r1.files.hosts, "utf8"), new RegExp(`${r3.ip}\\tr3 late\\n`));
    assert.match(await readFile(r3.files.hosts, "utf8"), new RegExp(`${r1.ip}\\tr1 cache\\n`));
    await networks.detach("r3");
    assert.doesNotMatch(await readFile(r1.files.hosts, "utf8"), /\br3\b/);
    assert.equal((await stat(r1.files.hosts)).ino, inode);
  });

  test("hostname and resolv.conf are the container's own; resolv.conf has no loopback nameserver", async () => {
    const { networks } = state;
    const r1 = await networks.attachmentOf("r1");
    assert.ok(r1);
    assert.equal(await readFile(r1.files.hostname, "utf8"), "r1\n");
    assert.doesNotMatch(await readFile(r1.files.resolvConf, "utf8"), /nameserver\s+(127\.|::1)/);
  });
});

describe("two networks", () => {
  test("are isolated from each other, both ways", async () => {
    const { networks } = state;
    await networks.create("back");
    const r1 = await networks.attachmentOf("r1");
    const b1 = await networks.attach("b1", "back");
    assert.ok(r1);
    await serveHttp(b1.netnsPath as string, 8080, "b1");
    assert.equal(await httpGet(r1.ip as string, 8080, { netns: b1.netnsPath as string }), undefined);
    assert.equal(await httpGet(b1.ip as string, 8080, { netns: r1.netnsPath as string }), undefined);
    // The host still reaches both.
    assert.equal(await httpGet(b1.ip as string, 8080), "b1");
    assert.equal(await httpGet(r1.ip as string, 8080), "r1");
  });
});

describe("other modes", () => {
  test("{ container } shares the other container's namespace, address and files", async () => {
    const { networks } = state;
    const r1 = await networks.attachmentOf("r1");
    const side = await networks.attach("side", { container: "r1" });
    assert.ok(r1);
    assert.equal(side.netnsPath, r1.netnsPath);
    assert.equal(side.ip, r1.ip);
    assert.equal(side.name, "container:r1");
    assert.deepEqual(side.files, r1.files);
    assert.equal(await httpGet("127.0.0.1", 8080, { netns: side.netnsPath as string }), "r1");
    await networks.detach("side");
    assert.equal((await stat(r1.files.hosts)).isFile(), true, "the shared files stay with r1");
  });

  test("host and none make no namespace, only files; none lists its hostname on loopback", async () => {
    const { networks } = state;
    const host = await networks.attach("onhost", "host");
    const none = await networks.attach("alone", "none", { hostname: "alone-host" });
    assert.equal(host.netnsPath, undefined);
    assert.equal(none.netnsPath, undefined);
    assert.equal(await readFile(host.files.hosts, "utf8"), await readFile("/etc/hosts", "utf8"));
    assert.match(await readFile(none.files.hosts, "utf8"), /127\.0\.1\.1\talone-host\n/);
    const spec = applyNetwork(defaultSpec({ id: "onhost", namespace: "default" }), host);
    assert.equal(
      spec.linux?.namespaces?.some((ns) => ns.type === "network"),
      false,
    );
    await networks.detach("onhost");
    await networks.detach("alone");
    await assert.rejects(stat(none.files.hosts), { code: "ENOENT" });
  });
});
