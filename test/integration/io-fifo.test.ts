import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { describe, test } from "node:test";
import { openStdio } from "../../src/io/index.js";
import { encodeAny, PROCESS_TYPE_URL } from "../../src/typeurl/index.js";
import { fdsUnder, readAll, uniqueId, useDaemon } from "../fixtures.js";

// The io module against containerd's own shim, driven through raw Tasks RPCs so that only the FIFO
// handling is under test, not the Task handle.
describe("FIFO stdio with containerd-shim-runc-v2", () => {
  const d = useDaemon();
  const ns = {
    get namespace() {
      return d.client.namespace;
    },
  };

  async function newContainer(args: string[]): Promise<string> {
    const id = uniqueId("io");
    const container = await d.client.containers.create(id, { rootfs: d.rootfs, args });
    d.defer(() => container.delete().catch(() => undefined));
    return id;
  }

  test("stdout alone is accepted by the shim and delivered; close() leaves no dir and no fd", async () => {
    const id = await newContainer(["/bin/sh", "-c", "echo out; echo err >&2"]);
    const io = await openStdio({ fifoDir: d.ctr.fifoDir, id, stdio: { stdout: "pipe" } });
    const out = readAll(io.stdout);
    await d.client.raw.tasks.create({ containerId: id, ...io.config }, ns);
    io.attached();
    await d.client.raw.tasks.start({ containerId: id }, ns);
    assert.equal((await d.client.raw.tasks.wait({ containerId: id }, ns)).exitStatus, 0);
    assert.equal(await out, "out\n");
    await io.done;
    await d.client.raw.tasks.delete({ containerId: id }, ns);
    await io.close();
    await assert.rejects(stat(dirname(io.config.stdout)), { code: "ENOENT" });
    assert.deepEqual(await fdsUnder(d.ctr.fifoDir), []);
  });

  test("exec stdin that ended before Start reaches the process after Start and CloseIO", async () => {
    const id = await newContainer(["/bin/sleep", "30"]);
    await d.client.raw.tasks.create({ containerId: id }, ns);
    await d.client.raw.tasks.start({ containerId: id }, ns);
    try {
      const early = Readable.from(["early\n"]);
      const io = await openStdio({
        fifoDir: d.ctr.fifoDir,
        id: `${id}-e1`,
        stdio: { stdin: early, stdout: "pipe" },
      });
      const out = readAll(io.stdout);
      const spec = { args: ["/bin/cat"], cwd: "/", env: ["PATH=/bin:/usr/bin"], user: { uid: 0, gid: 0 } };
      await d.client.raw.tasks.exec(
        { containerId: id, execId: "e1", ...io.config, spec: encodeAny(PROCESS_TYPE_URL, spec) },
        ns,
      );
      // Once the Readable has been drained into the FIFO, only the pipe (held open by the
      // placeholder) keeps "early" until the shim opens stdin at Start.
      await finished(early);
      await d.client.raw.tasks.start({ containerId: id, execId: "e1" }, ns);
      io.attached();
      await io.stdinClosed;
      await d.client.raw.tasks.closeIO({ containerId: id, execId: "e1", stdin: true }, ns);
      assert.equal((await d.client.raw.tasks.wait({ containerId: id, execId: "e1" }, ns)).exitStatus, 0);
      assert.equal(await out, "early\n");
      await d.client.raw.tasks.deleteProcess({ containerId: id, execId: "e1" }, ns);
      await io.close();
    } finally {
      await d.client.raw.tasks.kill({ containerId: id, signal: 9, all: true }, ns);
      await d.client.raw.tasks.wait({ containerId: id }, ns);
      await d.client.raw.tasks.delete({ containerId: id }, ns);
    }
  });
});
