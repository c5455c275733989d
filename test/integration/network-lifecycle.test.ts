// An attachment's whole life and its faults: after detach nothing of it stays (iptables rules, veth,
// IPAM reservation, pinned namespace, cached result); a new process can tear down what another set
// up; networks are made, refused and removed cleanly; a failed ADD undoes itself.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { access, chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  AlreadyExistsError,
  ConflictError,
  InternalError,
  InvalidArgumentError,
  NotImplementedError,
} from "../../src/errors/index.js";
import { runCommand } from "../../src/network/command.js";
import { isPinned, type NetworkAttachment, Networks } from "../../src/network/index.js";
import { DEFAULT_CLAIMS_FILE } from "../../src/network/paths.js";
import { entries, iptablesMentions, useNetworks } from "../network-fixtures.js";

const state = useNetworks();
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The host-side veth of an attachment, from its cached ADD result. */
async function hostVeth(att: NetworkAttachment): Promise<string> {
  const cached = JSON.parse(
    await readFile(join(state.stateDir, "results", att.namespace, `${att.containerId}.json`), "utf8"),
  );
  const iface = cached.result.interfaces.find(
    (i: { name: string; sandbox?: string }) => !i.sandbox && i.name.startsWith("veth"),
  );
  return iface.name;
}

/** Asserts that nothing of `att` is left on the host or in the state directory. */
async function assertGone(att: NetworkAttachment, veth: string, bridge: string): Promise<void> {
  const ip = att.ip as string;
  assert.deepEqual(await iptablesMentions(ip), [], "iptables rules mentioning the address");
  assert.equal(await exists(`/sys/class/net/${veth}`), false, "the veth");
  assert.equal(await exists(join(state.stateDir, "ipam", bridge, ip)), false, "the IPAM reservation");
  assert.equal(await isPinned(att.netnsPath as string), false, "the pinned namespace");
  assert.equal(await exists(att.netnsPath as string), false, "the namespace file");
  assert.equal(
    await exists(join(state.stateDir, "results", att.namespace, `${att.containerId}.json`)),
    false,
  );
  assert.equal(await exists(att.files.hosts), false, "the hosts file");
  const claims = JSON.parse(await readFile(DEFAULT_CLAIMS_FILE, "utf8"));
  assert.equal(
    claims.ports.some((c: { owner: string }) => c.owner.startsWith(state.stateDir)),
    false,
    "a host port claim",
  );
}

describe("attach and detach", () => {
  test("after detach no rule, veth, reservation, pinned namespace or cached result stays", async () => {
    const { networks } = state;
    const network = await networks.create("life");
    const att = await networks.attach("gone", { name: "life", ports: [{ containerPort: 80 }] });
    const veth = await hostVeth(att);
    assert.notDeepEqual(await iptablesMentions(att.ip as string), [], "ADD wrote rules");
    assert.equal(await exists(join(state.stateDir, "ipam", network.bridge, att.ip as string)), true);
    await networks.detach("gone");
    await assertGone(att, veth, network.bridge);
  });

  test("a namespace pinned from a process outlives it, and DEL still runs in it", async () => {
    const { networks } = state;
    const holder = spawn("unshare", ["--net", "busybox", "sleep", "60"], { stdio: "ignore" });
    const pid = holder.pid as number;
    await waitFor(async () =>
      (await runCommand("readlink", [`/proc/${pid}/exe`])).stdout.includes("busybox"),
    );
    const att = await networks.attach("fromtask", "life", { netnsPath: `/proc/${pid}/ns/net` });
    const [ns, pinned] = await Promise.all([stat(`/proc/${pid}/ns/net`), stat(att.netnsPath as string)]);
    assert.equal(pinned.ino, ns.ino, "the pin is the process's namespace");
    const veth = await hostVeth(att);
    holder.kill();
    await new Promise((resolve) => holder.once("close", resolve));
    assert.equal(await isPinned(att.netnsPath as string), true);
    await networks.detach("fromtask");
    await assertGone(att, veth, (await networks.get("life")).bridge);
  });

  test("a new process finds the attachment in the cache and tears it down", async () => {
    const { networks } = state;
    const att = await networks.attach("handover", { name: "life", ports: [{ containerPort: 80 }] });
    const veth = await hostVeth(att);
    const script = `
      const { Networks } = await import(process.argv[1]);
      const networks = new Networks({ stateDir: process.argv[2] });
      const found = await networks.attachmentOf("handover");
      await networks.detach("handover");
      console.log(JSON.stringify(found));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--conditions=source",
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      script,
      join(import.meta.dirname, "../../src/network/index.ts"),
      state.stateDir,
    ]);
    assert.deepEqual(JSON.parse(stdout), att);
    await assertGone(att, veth, (await networks.get("life")).bridge);
  });

  test("detach is quiet when nothing is attached", async () => {
    await state.networks.detach("never-attached");
    await state.networks.detach("gone");
  });

  test("attaching a container twice is AlreadyExistsError, and the first stays", async () => {
    const { networks } = state;
    const first = await networks.attach("twice", "life");
    await assert.rejects(networks.attach("twice", "life"), AlreadyExistsError);
    assert.deepEqual(await networks.attachmentOf("twice"), first);
    await networks.detach("twice");
  });

  test("sweep undoes attachments whose container is gone and keeps the others", async () => {
    const { networks } = state;
    await networks.attach("alive", "life");
    const dead = await networks.attach("dead", "life");
    const removed = await networks.sweep((id) => id === "alive", { minAge: 0 });
    assert.deepEqual(
      removed.map((a) => a.containerId),
      ["dead"],
    );
    assert.equal(await networks.attachmentOf("dead"), undefined);
    assert.equal(await isPinned(dead.netnsPath as string), false);
    assert.ok(await networks.attachmentOf("alive"));
    assert.deepEqual(await networks.sweep(() => false), [], "young attachments are kept by default");
    await networks.detach("alive");
  });
});

describe("networks", () => {
  test('the default network "bridge" is made on first use', async () => {
    const { networks } = state;
    const att = await networks.attach("first", "bridge");
    const bridge = await networks.get("bridge");
    assert.equal(att.subnet, bridge.subnet);
    assert.ok((await networks.list()).some((n) => n.name === "bridge"));
    await networks.detach("first");
  });

  test("an overlapping subnet is a 409 naming what it overlaps", async () => {
    const { networks } = state;
    const life = await networks.get("life");
    const conflict = (what: RegExp) => (err: unknown) =>
      err instanceof ConflictError && err.statusCode() === 409 && what.test(err.message);
    await assert.rejects(networks.create("dup", { subnet: life.subnet }), conflict(/another network/));
    const hostRoute = (await runCommand("ip", ["-j", "-4", "route"])).stdout;
    const routes = JSON.parse(hostRoute) as { dst: string; dev: string }[];
    const local = routes.find((r) => r.dst.includes("/") && !r.dev.startsWith("csdk"));
    if (local) await assert.rejects(networks.create("dup", { subnet: local.dst }), conflict(/host's route/));
    assert.equal(
      (await networks.list()).some((n) => n.name === "dup"),
      false,
    );
  });

  test("a name in use is AlreadyExistsError; a bad one InvalidArgumentError naming the field", async () => {
    const { networks } = state;
    await assert.rejects(networks.create("life"), AlreadyExistsError);
    await assert.rejects(
      networks.create("no spaces"),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "name",
    );
    await assert.rejects(networks.create("host"), InvalidArgumentError);
  });

  test("deleting a network with attachments is a 409; after detach it removes bridge, rules and data", async () => {
    const { networks } = state;
    const net = await networks.create("doomed", { labels: { purpose: "test" } });
    assert.deepEqual(net.labels, { purpose: "test" });
    await networks.attach("tenant", "doomed");
    await assert.rejects(
      networks.delete("doomed"),
      (err: unknown) => err instanceof ConflictError && /tenant/.test(err.message),
    );
    await networks.detach("tenant");
    assert.equal(await exists(`/sys/class/net/${net.bridge}`), true);
    await networks.delete("doomed");
    assert.equal(await exists(`/sys/class/net/${net.bridge}`), false, "the bridge");
    const rules = (await runCommand("iptables", ["-S"])).stdout;
    assert.equal(rules.includes(net.bridge), false, "the isolation rules");
    assert.equal(await exists(join(state.stateDir, "ipam", net.bridge)), false, "the IPAM data");
    assert.equal(
      (await networks.list()).some((n) => n.name === "doomed"),
      false,
    );
    const claims = JSON.parse(await readFile(DEFAULT_CLAIMS_FILE, "utf8"));
    assert.equal(
      claims.networks.some((c: { bridge: string }) => c.bridge === net.bridge),
      false,
    );
  });
});

describe("faults", () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  test("a missing plugin names the Debian package, and nothing is made", async () => {
    const empty = await mkdtemp(join(tmpdir(), "sdk-net-noplugins-"));
    dirs.push(empty);
    const networks = new Networks({ stateDir: state.stateDir, pluginDirs: [empty] });
    await assert.rejects(networks.attach("noplug", "life"), (err: unknown) => {
      assert.ok(err instanceof NotImplementedError, String(err));
      assert.match(err.message, /containernetworking-plugins/);
      return true;
    });
    assert.equal(await networks.attachmentOf("noplug"), undefined);
    assert.deepEqual(await entries(join(state.stateDir, "netns", "default")), []);
  });

  test("a failure halfway through ADD undoes the plugins before it, the pin and the ports", async () => {
    const plugins = await mkdtemp(join(tmpdir(), "sdk-net-badplugins-"));
    dirs.push(plugins);
    for (const name of await readdir("/usr/lib/cni")) {
      if (name !== "tuning") await symlink(join("/usr/lib/cni", name), join(plugins, name));
    }
    // A network made by an earlier version chains tuning after the bridge plugin, which has made the
    // veth and reserved the address by then.
    const tuning = join(plugins, "tuning");
    await writeFile(
      tuning,
      '#!/bin/sh\ncat >/dev/null\n[ "$CNI_COMMAND" = ADD ] || exit 0\necho \'{"cniVersion":"1.0.0","code":999,"msg":"injected failure"}\'\nexit 1\n',
    );
    await chmod(tuning, 0o755);
    const networks = new Networks({ stateDir: state.stateDir, pluginDirs: [plugins] });
    const life = await networks.get("life");
    const conflistPath = join(state.stateDir, "net.d", "life.conflist");
    const conflist = JSON.parse(await readFile(conflistPath, "utf8"));
    await writeFile(
      conflistPath,
      JSON.stringify({ ...conflist, plugins: [...conflist.plugins, { type: "tuning" }] }),
    );
    const hostPort = 24000 + Math.floor(Math.random() * 8000);
    const request = { name: "life", ports: [{ containerPort: 80, hostPort }] };
    await assert.rejects(networks.attach("halfway", request), (err: unknown) => {
      assert.ok(err instanceof InternalError, String(err));
      assert.match(err.message, /tuning ADD failed.*injected failure/);
      return true;
    });
    assert.deepEqual(await entries(`/sys/class/net/${life.bridge}/brif`), [], "no veth on the bridge");
    const reserved = (await entries(join(state.stateDir, "ipam", life.bridge))).filter((f) =>
      /^\d+\./.test(f),
    );
    assert.deepEqual(reserved, [], "no IPAM reservation");
    const prefix = life.subnet.split(".").slice(0, 3).join(".");
    const rules = (await runCommand("iptables-save", [])).stdout
      .split("\n")
      .filter((l) => l.includes(`${prefix}.`));
    assert.deepEqual(rules, [], "no rule for an address of the subnet");
    assert.equal(await exists(join(state.stateDir, "netns", "default", "halfway")), false);
    assert.equal(await state.networks.attachmentOf("halfway"), undefined);
    // The host port was let go: the real plugins publish it now.
    const att = await state.networks.attach("halfway", request);
    assert.equal(att.ports[0]?.hostPort, hostPort);
    await state.networks.detach("halfway");
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out");
}
