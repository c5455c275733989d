// A test process that dies by SIGKILL with a service running: the session's watchdog removes the
// container, its task, snapshot and network attachment (veth, iptables rules) and the session network.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { filters } from "../../src/index.js";
import { SESSION_LABEL } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";
import { footprint, leftovers } from "../network-fixtures.js";
import { leftoversOf, useBusyboxImage } from "../service-fixtures.js";

interface Started {
  id: string;
  session: string;
  ip: string;
  hostPort: number;
}

describe("testing: the session watchdog", () => {
  const d = useDaemon();
  const busybox = useBusyboxImage(d);

  test("a SIGKILLed test process's service and session network are gone within seconds", async () => {
    const { address, fifoDir } = d.ctr;
    const config = { address, fifoDir, namespace: d.client.namespace, stateDir: d.client.networks.stateDir };
    const child = spawn(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        "test/children/service-child.ts",
        JSON.stringify({ ...config, image: busybox.name }),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = once(child, "exit");
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const started = JSON.parse(line) as Started;
      const [attachment] = (await d.client.networks.attachments()).filter(
        (a) => a.containerId === started.id,
      );
      assert.ok(attachment, "the service has a network attachment");
      const network = await d.client.networks.get(attachment.name);
      assert.equal(network.labels[SESSION_LABEL], started.session);
      const fp = await footprint(d.client.networks.stateDir, attachment, network.bridge);
      assert.deepEqual(await leftovers(fp).then((l) => l.length > 0), true);

      child.kill("SIGKILL");
      await exited;
      const gone = async () => {
        const labelled = await d.client.containers.list({
          filters: [filters.label(SESSION_LABEL, started.session)],
        });
        const networks = (await d.client.networks.list()).filter((n) => n.name === network.name);
        return [
          ...labelled.map((c) => c.id),
          ...(await leftoversOf(d, started.id)),
          ...(await leftovers(fp)),
          ...networks.map((n) => n.name),
        ];
      };
      let left = await gone();
      for (
        const deadline = Date.now() + 15_000;
        left.length > 0 && Date.now() < deadline;
        left = await gone()
      ) {
        await sleep(250);
      }
      assert.deepEqual(left, []);
      assert.equal(await bridgeExists(network.bridge), false, `bridge ${network.bridge} is still there`);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

function bridgeExists(name: string): Promise<boolean> {
  return access(`/sys/class/net/${name}`).then(
    () => true,
    () => false,
  );
}
