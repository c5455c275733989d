import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { holderElf, holderSupported } from "../../src/logs/holder.js";

describe("logger holder", { skip: !holderSupported() && "the holder is x86-64 only" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "holder-"));
  const holder = join(dir, "holder");
  writeFileSync(holder, holderElf(), { mode: 0o755 });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("execs argv[1] with the arguments after it and the same environment", async () => {
    const child = spawn(holder, ["/bin/sh", "-c", 'echo "$0 $HELD"', "zero"], {
      env: { HELD: "yes" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
    assert.equal(out, "zero yes\n");
  });

  test("waits until fd 6 reaches end of file", async () => {
    const child = spawn(holder, ["/bin/true"], {
      stdio: ["ignore", "ignore", "ignore", "ignore", "ignore", "ignore", "pipe"],
    });
    const exited = once(child, "exit");
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r("waiting"), 300))]);
    assert.equal(early, "waiting");
    (child.stdio as unknown as { destroy(): void }[])[6]?.destroy();
    const [code] = await exited;
    assert.equal(code, 0);
  });

  test("exits 127 when argv[1] cannot be run", async () => {
    const child = spawn(holder, ["/nonexistent"], { stdio: "ignore" });
    const [code] = await once(child, "exit");
    assert.equal(code, 127);
  });
});
