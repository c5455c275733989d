import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { isNotImplemented, NotImplementedError } from "../../src/index.js";
import { BINARIES_ENV, startContainerd } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const run = promisify(execFile);

/** The directory of the containerd this run tests: the matrix's, else the one on PATH. */
async function binariesUnderTest(): Promise<string> {
  const fromEnv = process.env[BINARIES_ENV];
  if (fromEnv) return fromEnv;
  const { stdout } = await run("sh", ["-c", "command -v containerd"]);
  return dirname(stdout.trim());
}

describe("the containerd version under test", () => {
  const d = useDaemon();

  test("client.version() reports the release the harness started", async () => {
    const { version } = await d.client.version();
    assert.ok(version.startsWith(d.ctr.version), `${version} vs ${d.ctr.version}`);
  });

  test("the daemon's config is version 3 on containerd 2.x and version 2 on 1.x", async () => {
    const config = await readFile(join(d.ctr.dir, "config.toml"), "utf8");
    const expected = Number(d.ctr.version.split(".")[0]) >= 2 ? 3 : 2;
    assert.match(config, new RegExp(`^version = ${expected}$`, "m"));
  });

  test("io.containerd.runtime.v1.linux runs on containerd 1.x and is a NotImplementedError naming io.containerd.runc.v2 on 2.x", async () => {
    const container = await d.client.containers.create(uniqueId(), {
      rootfs: d.rootfs,
      args: ["/bin/true"],
      runtime: { name: "io.containerd.runtime.v1.linux" },
    });
    try {
      if (d.ctr.version.startsWith("1.")) {
        const task = await container.newTask();
        await task.start();
        assert.equal((await task.wait()).exitCode, 0);
        await task.delete();
      } else {
        await assert.rejects(container.newTask(), (err: Error) => {
          assert.ok(err instanceof NotImplementedError, String(err));
          assert.ok(isNotImplemented(err));
          assert.match(
            err.message,
            /io\.containerd\.runtime\.v1\.linux .*containerd 2\.0 removed it.*io\.containerd\.runc\.v2/,
          );
          assert.match(String((err.cause as Error).message), /binary not installed/);
          return true;
        });
      }
    } finally {
      await container.delete();
    }
  });

  test("introspection lists the v1 linux runtime plugin on containerd 1.x only", async () => {
    const runtimes = await d.client.introspection.plugins({ filters: ["type==io.containerd.runtime.v1"] });
    const expected = d.ctr.version.startsWith("1.") ? ["linux"] : [];
    assert.deepEqual(
      runtimes.map((p) => p.id),
      expected,
    );
  });

  test("startContainerd({ binaries }) runs that directory's containerd", async () => {
    const binaries = await binariesUnderTest();
    const { stdout } = await run(join(binaries, "containerd"), ["--version"]);
    await using other = await startContainerd({ binaries, namespace: "matrix" });
    assert.ok(stdout.includes(` ${other.version}`), `${stdout} vs ${other.version}`);
    assert.ok((await other.client.version()).version.startsWith(other.version));
  });
});
