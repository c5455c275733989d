import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { UnavailableError } from "../../src/index.js";
import { uniqueId, untilFile, useDaemon } from "../fixtures.js";

describe("faults", () => {
  const d = useDaemon();

  test("containerd stops in the middle of an RPC: the call fails with UnavailableError, nothing hangs", async () => {
    // A runc that never answers keeps Tasks.Create pending inside the daemon.
    const hangingRunc = `${d.ctr.dir}/${uniqueId("runc")}.sh`;
    const called = `${hangingRunc}.called`;
    await writeFile(hangingRunc, `#!/bin/sh\necho "$@" >> ${called}\nexec sleep 60\n`);
    await chmod(hangingRunc, 0o755);
    const c = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/true"],
      runtime: { options: { binaryName: hangingRunc } },
    });
    const pending = c.newTask().catch((e: unknown) => e);
    // The shim has called runc, so Tasks.Create is pending inside the daemon.
    await untilFile(called, (text) => text.includes("create"));
    const pid = d.ctr.pid;
    assert.ok(pid, "the daemon runs");
    process.kill(pid, "SIGKILL");
    const err = await pending;
    assert.ok(err instanceof UnavailableError, String(err));
    await d.ctr.restart();
  });
});
