// A test process that ends with a service still running, by SIGKILL or by a plain exit: the
// session's watchdog removes the container, its task, snapshot and network attachment (veth,
// iptables rules) and the session network, which a clean run leaves to it too.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { filters } from "../../src/index.js";
import { runCommand } from "../../src/network/command.js";
import { SESSION_LABEL } from "../../src/testing/index.js";
import { type Daemon, useDaemon } from "../fixtures.js";
import { type Footprint, footprint, iptablesMentions, leftovers } from "../network-fixtures.js";
import { leftoversOf, useBusyboxImage } from "../service-fixtures.js";

interface Started {
  id: string;
  session: string;
  ip: string;
  hostPort: number;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** test/children/service-child.ts against the file's daemon, once it has printed its service. */
async function serviceChild(d: Daemon, image: string, mode: "wait" | "exit" | "stop") {
  const { address, fifoDir } = d.ctr;
  const config = {
    address,
    fifoDir,
    namespace: d.client.namespace,
    stateDir: d.client.networks.stateDir,
    image,
  };
  const args = ["--conditions=source", "--import", "tsx", "test/children/service-child.ts"];
  const child: ChildProcess = spawn(process.execPath, [...args, JSON.stringify(config), mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")) as [
    string,
  ];
  return { child, exited, started: JSON.parse(line) as Started };
}

/** The tag naming the attachment's own chains (`CSDK-MASQ-<tag>`), read from its rules while it runs. */
async function chainTag(ip: string): Promise<string> {
  const tag = (await iptablesMentions(ip))
    .map((line) => /CSDK-MASQ-([0-9a-f]+)/.exec(line)?.[1])
    .find(Boolean);
  assert.ok(tag, `a CSDK-MASQ chain for ${ip}`);
  return tag;
}

/**
 * What is left of the attachment on the host. Its rules count while any rule or chain of its own
 * tag is left: once the sweep frees the session's subnet, a parallel test file's network may take
 * it, and that network's container the same address, with rules of its own tag.
 */
async function attachmentLeftovers(fp: Footprint, tag: string): Promise<string[]> {
  const left = await leftovers(fp);
  const { stdout } = await runCommand("iptables-save", []);
  const ours = stdout.split("\n").filter((line) => line.includes(`-${tag}`));
  return ours.length > 0 ? left : left.filter((line) => !line.startsWith("iptables: "));
}

/** Where the service shows on the host, taken while it runs: its attachment's footprint and bridge. */
async function footprintOf(
  d: Daemon,
  started: Started,
): Promise<{ fp: Footprint; tag: string; network: string; bridge: string }> {
  const [attachment] = (await d.client.networks.attachments()).filter((a) => a.containerId === started.id);
  assert.ok(attachment, "the service has a network attachment");
  const network = await d.client.networks.get(attachment.name);
  assert.equal(network.labels[SESSION_LABEL], started.session);
  const fp = await footprint(d.client.networks.stateDir, attachment, network.bridge);
  assert.notDeepEqual(await leftovers(fp), []);
  return { fp, tag: await chainTag(fp.ip), network: network.name, bridge: network.bridge };
}

/** Everything of the service still there after up to 15 s: [] once the watchdog has swept. */
async function leftAfterSweep(d: Daemon, started: Started, at: Awaited<ReturnType<typeof footprintOf>>) {
  const left = async () => {
    const labelled = await d.client.containers.list({
      filters: [filters.label(SESSION_LABEL, started.session)],
    });
    const networks = (await d.client.networks.list()).filter((n) => n.name === at.network);
    return [
      ...labelled.map((c) => `container ${c.id}`),
      ...(await leftoversOf(d, started.id)),
      ...(await attachmentLeftovers(at.fp, at.tag)),
      ...networks.map((n) => `network ${n.name}`),
      ...((await exists(`/sys/class/net/${at.bridge}`)) ? [`bridge ${at.bridge}`] : []),
    ];
  };
  const since = Date.now();
  let now = await left();
  for (const deadline = since + 15_000; now.length > 0 && Date.now() < deadline; now = await left()) {
    await sleep(250);
  }
  sweptAfterMs = Date.now() - since;
  return now;
}

/** How long the last {@link leftAfterSweep} waited, for the test's diagnostic line. */
let sweptAfterMs = 0;

describe("testing: the session watchdog", () => {
  const d = useDaemon();
  const busybox = useBusyboxImage(d);

  test("a SIGKILLed test process's service and session network are gone within seconds", async (t) => {
    const { child, exited, started } = await serviceChild(d, busybox.name, "wait");
    try {
      const at = await footprintOf(d, started);
      child.kill("SIGKILL");
      await exited;
      assert.deepEqual(await leftAfterSweep(d, started, at), []);
      t.diagnostic(`nothing left ${sweptAfterMs} ms after the SIGKILL`);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("a test process that exits without stopping its service leaves nothing either", async () => {
    const { child, exited, started } = await serviceChild(d, busybox.name, "exit");
    try {
      const at = await footprintOf(d, started).catch(() => undefined);
      await exited;
      assert.ok(at || (await leftoversOf(d, started.id)).length === 0);
      if (at) assert.deepEqual(await leftAfterSweep(d, started, at), []);
      assert.deepEqual(await leftoversOf(d, started.id), []);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("a test process that stops its service and exits leaves its session network to the watchdog, which removes it", async () => {
    const { exited, started } = await serviceChild(d, busybox.name, "stop");
    await exited;
    assert.deepEqual(await leftoversOf(d, started.id), []);
    const sessionNetworks = async () =>
      (await d.client.networks.list()).filter((n) => n.labels[SESSION_LABEL] === started.session);
    let left = await sessionNetworks();
    for (
      const deadline = Date.now() + 15_000;
      left.length > 0 && Date.now() < deadline;
      left = await sessionNetworks()
    ) {
      await sleep(250);
    }
    assert.deepEqual(left, []);
  });
});
