// An image's named user read straight from the overlay layer that holds /etc/passwd and /etc/group,
// without mounting the snapshot: only when that layer's files are the ones the mount would show.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resolveImageUser } from "../../src/images/image-user.js";

let dir: string;

/** A layer directory holding `files` (paths relative to the layer). */
async function layer(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

function overlay(upper: string, lowers: string[]) {
  return [
    { type: "overlay", source: "overlay", options: [`lowerdir=${lowers.join(":")}`, `upperdir=${upper}`] },
  ];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "image-user-"));
});
after(() => rm(dir, { recursive: true, force: true }));

describe("resolveImageUser on overlay layers", () => {
  test("reads the user from the topmost layer that has /etc, with no mount", async () => {
    const upper = await layer("upper", {});
    const top = await layer("top", {
      "etc/passwd": "root:x:0:0::/root:/bin/sh\nredis:x:100:101::/var/lib/redis:/bin/false\n",
      "etc/group": "root:x:0:\nredis:x:101:\n",
    });
    const base = await layer("base", {
      "etc/passwd": "root:x:0:0::/root:/bin/sh\n",
      "etc/group": "root:x:0:\n",
    });
    const user = await resolveImageUser(overlay(upper, [top, base]), "redis");
    assert.deepEqual(user, { uid: 100, gid: 101, additionalGids: [101] });
  });

  test("a layer above that has /etc but no passwd of its own is left to the mount", async () => {
    const upper = await layer("upper2", {});
    const config = await layer("config", { "etc/app.conf": "x\n" });
    const base = await layer("base2", { "etc/passwd": "app:x:5:5::/:/bin/sh\n", "etc/group": "app:x:5:\n" });
    // The config layer's /etc may be opaque, hiding base's passwd: only a real mount can tell.
    const user = await resolveImageUser(overlay(upper, [config, base]), "app");
    assert.deepEqual(user, { uid: 5, gid: 5, additionalGids: [5] });
  });
});
