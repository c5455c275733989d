import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(dir, path), await readFile(path, "utf8"));
  }
  return out;
}

test("src/gen is what scripts/gen makes from protos/", async () => {
  const dir = await mkdtemp(join(tmpdir(), "containerd-sdk-gen-"));
  try {
    await promisify(execFile)("bash", ["scripts/gen", dir]);
    const [fresh, committed] = await Promise.all([files(dir), files("src/gen")]);
    assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), "generated file set differs");
    for (const [name, text] of fresh) {
      assert.ok(committed.get(name) === text, `src/gen/${name} is stale: run npm run gen`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
