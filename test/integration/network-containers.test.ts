// Real containers on SDK networks, through containers.create's `network`: published ports reach
// busybox httpd from the host, containers find each other by id and alias, networks are isolated,
// a new process sees the same network, and every way a container goes leaves nothing behind.
// Name lookups never become DNS queries: the containers' resolv.conf has no nameserver and the
// rootfs says `hosts: files`.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  AlreadyExistsError,
  Client,
  ConflictError,
  type Container,
  InvalidArgumentError,
  type NetworkRequest,
  NotFoundError,
  type Task,
} from "../../src/index.js";
import { isPinned } from "../../src/network/index.js";
import { rpcDelta, rpcTotal, startContainerd } from "../../src/testing/index.js";
import { type Daemon, uniqueId, useDaemon } from "../fixtures.js";
import { entries, footprint, hostAddress, httpGet, leftovers } from "../network-fixtures.js";

let d: Daemon;
/** Containers started at once in the ephemeral-port test ($SDK_NET_N, default 50). */
const N = Number(process.env.SDK_NET_N ?? 50);
let client: Client;
let stateDir: string;
let resolvConf: string;

/** The file's daemon and a client whose containers' names never reach DNS; run inside the file's one suite. */
function setUp(): void {
  d = useDaemon({ metrics: true });
  before(async () => {
    // The harness client's state directory, so the harness's stop() removes whatever a test leaves.
    stateDir = d.client.networks.stateDir;
    resolvConf = join(d.ctr.dir, "resolv.conf");
    await writeFile(resolvConf, "search sdk.test\n");
    await writeFile(join(d.rootfs, "etc/nsswitch.conf"), "hosts: files\n");
    await mkdir(join(d.rootfs, "www"), { recursive: true });
    await writeFile(join(d.rootfs, "www/index.html"), "www\n");
    client = await Client.connect({
      address: d.ctr.address,
      namespace: d.client.namespace,
      fifoDir: d.ctr.fifoDir,
      network: { stateDir, resolvConf },
    });
    await client.networks.create("appnet");
    await client.networks.create("othernet");
  });
  after(() => client?.close());
}

/** busybox httpd on port 80 (and on `also`, if given) answering `marker`. */
function httpd(marker: string, also?: number): string[] {
  const dir = `/srv/${marker}`;
  const extra = also === undefined ? "" : `httpd -p ${also} -h ${dir} && `;
  return [
    "sh",
    "-c",
    `mkdir -p ${dir} && echo ${marker} > ${dir}/index.html && ${extra}exec httpd -f -p 80 -h ${dir}`,
  ];
}

/** A started container serving `httpd(id)` on `network`. */
async function startWeb(
  network: NetworkRequest,
  id = uniqueId("web"),
  also?: number,
): Promise<{ id: string; container: Container; task: Task }> {
  const container = await client.containers.create(id, { rootfs: d.rootfs, network, args: httpd(id, also) });
  const task = await container.newTask();
  await task.start();
  return { id, container, task };
}

/** Waits until `host:port` answers `marker` (httpd may take a moment to listen). */
async function untilAnswers(host: string, port: number, marker: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await httpGet(host, port)) === marker) return;
    await sleep(100);
  }
  assert.fail(`${host}:${port} never answered ${marker}`);
}

/** Runs `script` in a throwaway container on `network` and returns its output. */
async function runOn(network: NetworkRequest, script: string): Promise<string> {
  const { stdout } = await client.run({ rootfs: d.rootfs, network, args: ["sh", "-c", script] });
  return stdout.trim();
}

/** A network child process (test/children/network-child.ts) against the file's daemon. */
function child(mode: "serve" | "load", id: string): ChildProcessWithoutNullStreams {
  const config = {
    address: d.ctr.address,
    fifoDir: d.ctr.fifoDir,
    namespace: d.client.namespace,
    stateDir,
    resolvConf,
    rootfs: d.rootfs,
    network: "appnet",
  };
  return spawn(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      "test/children/network-child.ts",
      JSON.stringify(config),
      mode,
      id,
    ],
    { stdio: "pipe" },
  );
}

/** The child's first line of output, parsed. */
async function firstLine(proc: ChildProcessWithoutNullStreams): Promise<unknown> {
  let stderr = "";
  proc.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const lines = createInterface({ input: proc.stdout });
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(proc, "close").then(() => assert.fail(`the child exited: ${stderr}`)),
  ])) as [string];
  lines.close();
  return JSON.parse(line);
}

describe("containers on SDK networks", () => {
  setUp();

  describe("published ports", () => {
    test("a server answers on its published port from 127.0.0.1 and the host's address; an unpublished port does not", async () => {
      const web = await startWeb({ name: "appnet", ports: [{ containerPort: 80 }] }, undefined, 8080);
      const network = web.task.network;
      assert.ok(network?.ip, "the task knows its address");
      const hostPort = web.task.hostPort(80) as number;
      assert.equal(network.name, "appnet");
      assert.deepEqual(network.ports, [{ containerPort: 80, hostPort, hostIp: "0.0.0.0", protocol: "tcp" }]);
      assert.equal(network.gateway, (await client.networks.get("appnet")).gateway);
      await untilAnswers("127.0.0.1", hostPort, web.id);
      assert.equal(await httpGet(await hostAddress(), hostPort), web.id);
      assert.equal(await httpGet(network.ip, 8080), web.id, "the unpublished server runs");
      assert.notEqual(await httpGet("127.0.0.1", 8080), web.id);
      assert.notEqual(await httpGet(await hostAddress(), 8080), web.id);
      assert.equal(web.task.hostPort(8080), undefined);
      await web.container.delete({ force: true });
    });

    test(`no hostPort: ${N} containers started at once get distinct free ports, all answering`, async () => {
      const webs = await Promise.all(
        Array.from({ length: N }, () => startWeb({ name: "appnet", ports: [{ containerPort: 80 }] })),
      );
      const ports = webs.map((w) => w.task.hostPort(80) as number);
      assert.equal(new Set(ports).size, N, `distinct ports: ${ports.join(" ")}`);
      for (const [i, web] of webs.entries()) await untilAnswers("127.0.0.1", ports[i] as number, web.id);
      const bridge = (await client.networks.get("appnet")).bridge;
      const prints = await Promise.all(
        webs.map(async (w) => footprint(stateDir, await attachment(w.id), bridge)),
      );
      await Promise.all(webs.map((w) => w.container.delete({ force: true })));
      const left = (await Promise.all(prints.map(leftovers))).flat();
      assert.deepEqual(left, []);
    });

    test("a host port in use is a 409 naming the port, and nothing stays", async () => {
      const server = createServer().listen(0, "0.0.0.0");
      await once(server, "listening");
      const port = (server.address() as { port: number }).port;
      const id = uniqueId("busy");
      try {
        await assert.rejects(
          client.containers.create(id, {
            rootfs: d.rootfs,
            network: { name: "appnet", ports: [{ containerPort: 80, hostPort: port }] },
          }),
          (err: unknown) =>
            err instanceof ConflictError && err.statusCode() === 409 && err.message.includes(String(port)),
        );
      } finally {
        server.close();
      }
      await assert.rejects(client.containers.load(id), NotFoundError);
      assert.equal(await client.networks.attachmentOf(id), undefined);
    });
  });

  /** The cached attachment of container `id` (it must have one). */
  async function attachment(id: string) {
    const att = await client.networks.attachmentOf(id);
    assert.ok(att, `container ${id} has an attachment`);
    return att;
  }

  describe("names and isolation", () => {
    test("a container reaches another on its network by id and by alias; one on another network cannot", async () => {
      const db = await startWeb({ name: "appnet", aliases: ["cache"] });
      const ip = db.task.network?.ip as string;
      await untilAnswers(ip, 80, db.id);
      // busybox nc, not wget: the static busybox's wget crashes looking names up.
      const get = (host: string) =>
        `out=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80 | tail -1); echo \${out:-unreachable}`;
      assert.equal(await runOn("appnet", `${get(db.id)}; ${get("cache")}`), `${db.id}\n${db.id}`);
      assert.equal(await runOn("othernet", get(ip)), "unreachable", "by address, from another network");
      assert.match(await runOn("othernet", get("cache")), /unreachable/, "names stay on their network");
      await db.container.delete({ force: true });
    });

    test("{ container } shares the other's namespace: its address, gateway and ports", async () => {
      const web = await startWeb({ name: "appnet", ports: [{ containerPort: 80 }] });
      const side = await client.containers.create(uniqueId("side"), {
        rootfs: d.rootfs,
        network: { container: web.id },
        args: ["httpd", "-f", "-p", "8081", "-h", "/www"],
      });
      const sideTask = await side.newTask();
      await sideTask.start();
      assert.deepEqual(sideTask.network, { ...web.task.network, name: `container:${web.id}`, ports: [] });
      const ip = web.task.network?.ip as string;
      await untilAnswers(ip, 8081, "www");
      await untilAnswers("127.0.0.1", web.task.hostPort(80) as number, web.id);
      await side.delete({ force: true });
      await web.container.delete({ force: true });
    });
  });

  describe("modes without CNI", () => {
    test('"none" (the default) keeps the spec as it was: a fresh namespace, no /etc files, no task.network', async () => {
      const container = await client.containers.create(uniqueId("none"), {
        rootfs: d.rootfs,
        args: ["true"],
      });
      const spec = await container.spec();
      assert.deepEqual(
        spec.linux?.namespaces?.find((ns) => ns.type === "network"),
        { type: "network" },
      );
      assert.equal(
        spec.mounts?.some((m) => m.destination === "/etc/hosts"),
        false,
      );
      const task = await container.newTask();
      assert.equal(task.network, undefined);
      assert.equal(task.hostPort(80), undefined);
      await container.delete({ force: true });
    });

    test('"host" serves on the host\'s own loopback, and leaves no files after delete', async () => {
      const probe = createServer().listen(0, "127.0.0.1");
      await once(probe, "listening");
      const port = (probe.address() as { port: number }).port;
      await new Promise((resolve) => probe.close(resolve));
      const id = uniqueId("host");
      const container = await client.containers.create(id, {
        rootfs: d.rootfs,
        network: "host",
        args: ["httpd", "-f", "-p", `127.0.0.1:${port}`, "-h", "/www"],
      });
      const task = await container.newTask();
      await task.start();
      assert.equal(task.network, undefined);
      await untilAnswers("127.0.0.1", port, "www");
      const { files } = await attachment(id);
      await container.delete({ force: true });
      assert.deepEqual(await entries(join(files.hosts, "..")), []);
      assert.equal(await client.networks.attachmentOf(id), undefined);
    });
  });

  describe("a new process", () => {
    test("containers.load() + task() reports the same address and host ports", async () => {
      const web = await startWeb({ name: "appnet", ports: [{ containerPort: 80 }] });
      const proc = child("load", web.id);
      const seen = await firstLine(proc);
      await once(proc, "close");
      assert.deepEqual(seen, { network: web.task.network, hostPort: web.task.hostPort(80) });
      await web.container.delete({ force: true });
    });
  });

  describe("teardown leaves nothing", () => {
    const bridge = async () => (await client.networks.get("appnet")).bridge;

    test("after delete", async () => {
      const web = await startWeb({ name: "appnet", ports: [{ containerPort: 80 }] });
      const print = await footprint(stateDir, await attachment(web.id), await bridge());
      await web.task.kill("SIGKILL");
      await web.task.wait();
      await web.task.delete();
      assert.equal(await isPinned(print.netns), true, "the namespace outlives the task");
      await web.container.delete();
      assert.deepEqual(await leftovers(print), []);
    });

    test("after force delete", async () => {
      const web = await startWeb({ name: "appnet", ports: [{ containerPort: 80 }] });
      const print = await footprint(stateDir, await attachment(web.id), await bridge());
      await web.container.delete({ force: true });
      assert.deepEqual(await leftovers(print), []);
    });

    test("after a SIGKILLed client and a new client's delete", async () => {
      const id = uniqueId("orphan");
      const proc = child("serve", id);
      const network = (await firstLine(proc)) as { ip: string; ports: { hostPort: number }[] };
      proc.kill("SIGKILL");
      await once(proc, "close");
      await untilAnswers("127.0.0.1", network.ports[0]?.hostPort as number, "www");
      const print = await footprint(stateDir, await attachment(id), await bridge());
      await (await client.containers.load(id)).delete({ force: true });
      assert.deepEqual(await leftovers(print), []);
    });

    test("the harness's stop() removes what a test left running: attachments and networks", async () => {
      const ctr = await startContainerd({ namespace: `left-${process.pid}` });
      const { networks } = ctr.client;
      const network = await networks.create("left");
      const id = uniqueId("left");
      const container = await ctr.client.containers.create(id, {
        rootfs: await ctr.rootfs(),
        args: ["sleep", "1000"],
        network: { name: "left", ports: [{ containerPort: 80 }] },
      });
      await (await container.newTask()).start();
      const att = await networks.attachmentOf(id);
      assert.ok(att);
      const print = await footprint(networks.stateDir, att, network.bridge);
      await ctr.stop();
      assert.deepEqual(await leftovers(print), []);
      assert.deepEqual(await entries(`/sys/class/net/${network.bridge}`), [], "the bridge");
    });

    test("networks.prune() removes an attachment whose container went behind the SDK's back", async () => {
      const id = uniqueId("pruned");
      await client.containers.create(id, { rootfs: d.rootfs, network: "bridge" });
      const print = await footprint(
        stateDir,
        await attachment(id),
        (await client.networks.get("bridge")).bridge,
      );
      await client.raw.containers.delete({ id }, { namespace: client.namespace });
      const removed = await client.networks.prune({ minAge: 0 });
      assert.deepEqual(
        removed.map((a) => a.containerId),
        [id],
      );
      assert.deepEqual(await leftovers(print), []);
    });
  });

  describe("bad input and faults", () => {
    test("an unknown network is NotFoundError, and no container is made", async () => {
      const id = uniqueId("lost");
      await assert.rejects(
        client.containers.create(id, { rootfs: d.rootfs, network: "nowhere" }),
        NotFoundError,
      );
      await assert.rejects(client.containers.load(id), NotFoundError);
    });

    test("port 70000 is an InvalidArgumentError naming the field, before any RPC", async () => {
      const before = await d.ctr.rpcCounts();
      await assert.rejects(
        client.containers.create(uniqueId("bad"), {
          rootfs: d.rootfs,
          network: { name: "appnet", ports: [{ containerPort: 70000 }] },
        }),
        (err: unknown) =>
          err instanceof InvalidArgumentError && err.field === "network.ports[0].containerPort",
      );
      assert.equal(rpcTotal(rpcDelta(before, await d.ctr.rpcCounts())), 0);
    });

    test("a record that cannot be made undoes the attachment made for it", async () => {
      const id = uniqueId("twin");
      const twin = await client.containers.create(id, { rootfs: d.rootfs });
      const reserved = await entries(join(stateDir, "ipam", (await client.networks.get("appnet")).bridge));
      await assert.rejects(
        client.containers.create(id, {
          rootfs: d.rootfs,
          network: { name: "appnet", ports: [{ containerPort: 80 }] },
        }),
        AlreadyExistsError,
      );
      assert.equal(await client.networks.attachmentOf(id), undefined);
      assert.deepEqual(await entries(join(stateDir, "netns", client.namespace, id)), []);
      assert.deepEqual(
        await entries(join(stateDir, "ipam", (await client.networks.get("appnet")).bridge)),
        reserved,
      );
      await twin.delete();
    });

    test("a CNI ADD that fails after create rejects the first newTask with its error, leaving no task and no attachment", async () => {
      const plugins = join(d.ctr.dir, "failing-plugins");
      await mkdir(plugins, { recursive: true });
      for (const name of await readdir("/usr/lib/cni")) {
        if (name !== "tuning") await symlink(join("/usr/lib/cni", name), join(plugins, name));
      }
      const failing =
        '#!/bin/sh\ncat >/dev/null\n[ "$CNI_COMMAND" = ADD ] || exit 0\necho \'{"cniVersion":"1.0.0","code":999,"msg":"injected failure"}\'\nexit 1\n';
      await writeFile(join(plugins, "tuning"), failing, { mode: 0o755 });
      await using faulty = await Client.connect({
        address: d.ctr.address,
        namespace: d.client.namespace,
        fifoDir: d.ctr.fifoDir,
        network: { stateDir, resolvConf, pluginDirs: [plugins] },
      });
      // A network made by an earlier version chains tuning after the bridge plugin.
      await faulty.networks.create("faultnet");
      const conflistPath = join(stateDir, "net.d", "faultnet.conflist");
      const conflist = JSON.parse(await readFile(conflistPath, "utf8"));
      conflist.plugins.push({ type: "tuning" });
      await writeFile(conflistPath, JSON.stringify(conflist));
      const id = uniqueId("fault");
      const container = await faulty.containers.create(id, {
        rootfs: d.rootfs,
        args: ["sleep", "1000"],
        network: "faultnet",
      });
      await assert.rejects(container.newTask(), /tuning ADD failed.*injected failure/);
      await assert.rejects(container.task(), NotFoundError);
      assert.equal(await faulty.networks.attachmentOf(id), undefined);
      assert.deepEqual(await entries(join(stateDir, "netns", client.namespace, id)), []);
      await container.delete();
      await faulty.networks.delete("faultnet");
    });
  });
});
