import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { Client, DeadlineExceededError } from "../../src/index.js";
import { freeze } from "../events-fixtures.js";
import { useDaemon } from "../fixtures.js";

/** A child running test/children/close-child.ts against the test's daemon. */
function child(address: string, fifoDir: string, mode: "opening" | "waiting") {
  const proc: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "test/children/close-child.ts", address, fifoDir, mode],
    { stdio: "pipe" },
  );
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: proc.stdout }).on("line", (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  let stderr = "";
  proc.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = once(proc, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    proc,
    lines,
    send: (line: string) => proc.stdin.write(`${line}\n`),
    async line(prefix: string): Promise<string> {
      for (;;) {
        const found = lines.find((l) => l.startsWith(prefix));
        if (found) return found;
        if (proc.exitCode !== null) throw new Error(`child exited before "${prefix}": ${stderr}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), exited]);
      }
    },
    /** The child must exit by itself; a hang fails the test after `ms`. */
    async exit(ms = 20_000): Promise<number | null> {
      const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
      const [code, signal] = await exited;
      clearTimeout(timer);
      assert.equal(signal, null, `child hung and was killed; stderr: ${stderr}`);
      return code;
    },
  };
}

describe("client.close() at any moment lets Node exit", () => {
  const d = useDaemon();

  test("waiting for the stream honours timeout: container.task({ timeout }) against a frozen daemon", async () => {
    const made = await d.client.containers.create(`frozen-${process.pid}`, {
      rootfs: await d.ctr.rootfs(),
      args: ["/bin/true"],
    });
    // A second client whose event stream has never opened; list() does not open it.
    const fresh = await Client.connect({
      address: d.ctr.address,
      namespace: d.client.namespace,
      fifoDir: d.ctr.fifoDir,
    });
    const [container] = await fresh.containers.list({ filters: [`id==${made.id}`] });
    assert.ok(container);
    const pid = d.ctr.pid as number;
    await freeze(pid);
    try {
      await assert.rejects(container.task({ timeout: 200 }), DeadlineExceededError);
    } finally {
      process.kill(pid, "SIGCONT");
      await fresh.close();
    }
    await made.delete();
  });

  test("close() while the stream is opening against a daemon frozen with SIGSTOP", async () => {
    const c = child(d.ctr.address, d.ctr.fifoDir, "opening");
    c.send(await d.ctr.rootfs());
    await c.line("ready");
    const pid = d.ctr.pid as number;
    await freeze(pid);
    try {
      c.send("frozen");
      assert.equal(await c.exit(), 0);
      assert.match(await c.line("settled"), /^settled rejected,rejected$/);
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });

  test("close() while reconnecting to a daemon that is down", async () => {
    const c = child(d.ctr.address, d.ctr.fifoDir, "waiting");
    c.send(await d.ctr.rootfs());
    await c.line("ready");
    await d.ctr.restart({
      whileDown: async () => {
        await c.line("disconnected");
        c.send("close");
        assert.equal(await c.exit(), 0);
      },
    });
    assert.match(await c.line("settled"), /^settled rejected$/);
  });

  test("close() right after a restart, with the daemon frozen mid-reconnect", async () => {
    const c = child(d.ctr.address, d.ctr.fifoDir, "waiting");
    c.send(await d.ctr.rootfs());
    await c.line("ready");
    await d.ctr.restart({ whileDown: () => c.line("disconnected") });
    const pid = d.ctr.pid as number;
    await freeze(pid);
    try {
      c.send("close");
      assert.equal(await c.exit(), 0);
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });
});
