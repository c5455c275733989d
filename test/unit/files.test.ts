import assert from "node:assert/strict";
import { constants } from "node:fs";
import { type FileHandle, mkdir, mkdtemp, open, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { mountCommands } from "../../src/files/mount-plan.js";
import { checkCopyEntries } from "../../src/files/options.js";
import { resolveInRoot } from "../../src/files/resolve.js";

describe("paths resolved inside a root", () => {
  let dir: string;
  let root: FileHandle;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "files-unit-"));
    await mkdir(join(dir, "root/etc"), { recursive: true });
    await writeFile(join(dir, "root/etc/passwd"), "inside");
    await writeFile(join(dir, "outside"), "outside");
    await symlink("/", join(dir, "root/to-root"));
    await symlink("../../../..", join(dir, "root/etc/to-up"));
    await symlink(join(dir, "outside"), join(dir, "root/to-host"));
    await symlink("loop-b", join(dir, "root/loop-a"));
    await symlink("loop-a", join(dir, "root/loop-b"));
    await symlink("/etc/passwd", join(dir, "root/passwd-link"));
    root = await open(join(dir, "root"), constants.O_RDONLY | constants.O_DIRECTORY);
  });
  after(async () => {
    await root.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The resolved path's last name and whether it exists, directories closed. */
  async function resolve(path: string, followLast = true, makeParents = false) {
    const place = await resolveInRoot(root, path, { followLast, makeParents });
    await place.close();
    return { name: place.name, exists: place.stat !== undefined, isRoot: place.dir === root };
  }

  test("a link to / and a link climbing past the root both stay at the root", async () => {
    assert.deepEqual(await resolve("/to-root/etc/passwd"), { name: "passwd", exists: true, isRoot: false });
    assert.deepEqual(await resolve("/etc/to-up/etc/passwd"), { name: "passwd", exists: true, isRoot: false });
    assert.deepEqual(await resolve("/../../to-root/.."), { name: "", exists: true, isRoot: true });
  });

  test("a link to a host path is read as a path inside the root", async () => {
    await assert.rejects(resolve("/to-host"), { code: "ENOENT" });
    assert.deepEqual(await resolve("/to-host", true, true), {
      name: "outside",
      exists: false,
      isRoot: false,
    });
  });

  test("the last link is kept or followed as asked", async () => {
    assert.equal((await resolve("/passwd-link", false)).name, "passwd-link");
    assert.deepEqual(await resolve("/passwd-link", true), { name: "passwd", exists: true, isRoot: false });
  });

  test("a symlink loop is ELOOP; a missing directory ENOENT unless made; a file on the way ENOTDIR", async () => {
    await assert.rejects(resolve("/loop-a/x"), { code: "ELOOP" });
    await assert.rejects(resolve("/no/such/file"), { code: "ENOENT" });
    await assert.rejects(resolve("/etc/passwd/x"), { code: "ENOTDIR" });
    assert.equal((await resolve("/made/on/the/way", true, true)).name, "way");
  });
});

describe("mounting a rootfs for a copy", () => {
  const overlay = {
    type: "overlay",
    source: "overlay",
    options: ["index=off", "workdir=/s/2/work", "upperdir=/s/2/fs", "lowerdir=/s/1/fs:/s/0/fs"],
  };

  test("an overlay is mounted as it is for writing", () => {
    assert.deepEqual(mountCommands([overlay], "write", "/t"), [
      [
        "-t",
        "overlay",
        "-o",
        "index=off,workdir=/s/2/work,upperdir=/s/2/fs,lowerdir=/s/1/fs:/s/0/fs,rw",
        "overlay",
        "/t",
      ],
    ]);
  });

  test("for reading, its upper dir becomes the top lower layer: nothing shared with a live mount", () => {
    assert.deepEqual(mountCommands([overlay], "read", "/t"), [
      ["-t", "overlay", "-o", "lowerdir=/s/2/fs:/s/1/fs:/s/0/fs,index=off,ro", "overlay", "/t"],
    ]);
  });

  test("a single layer, and a bind mount, are bind-mounted", () => {
    const single = { type: "overlay", source: "overlay", options: ["workdir=/w", "upperdir=/u"] };
    assert.deepEqual(mountCommands([single], "read", "/t"), [["-o", "rbind,ro", "/u", "/t"]]);
    const bind = { type: "bind", source: "/s/0/fs", options: ["rbind", "rw"] };
    assert.deepEqual(mountCommands([bind], "write", "/t"), [["-o", "rbind,rw", "/s/0/fs", "/t"]]);
    assert.deepEqual(mountCommands([{ ...bind, options: ["ro"] }], "write", "/t"), [
      ["-o", "rbind,ro", "/s/0/fs", "/t"],
    ]);
  });
});

describe("copyTo entries", () => {
  const field = (name: string) => (err: unknown) => err instanceof InvalidArgumentError && err.field === name;

  test("each problem names its field", async () => {
    await assert.rejects(checkCopyEntries("x"), field("entries"));
    await assert.rejects(checkCopyEntries([{ target: "rel", content: "" }]), field("entries[0].target"));
    await assert.rejects(checkCopyEntries([{ target: "/a" }]), field("entries[0].content"));
    await assert.rejects(checkCopyEntries([{ target: "/a", content: 5 }]), field("entries[0].content"));
    await assert.rejects(checkCopyEntries([{ target: "/", content: "x" }]), field("entries[0].target"));
    await assert.rejects(
      checkCopyEntries([{ target: "/a", content: "", mode: 0o10000 }]),
      field("entries[0].mode"),
    );
    await assert.rejects(
      checkCopyEntries([{ target: "/a", content: "", gid: 1.5 }]),
      field("entries[0].gid"),
    );
    await assert.rejects(
      checkCopyEntries([{ target: "/a", content: "", owner: 1 }]),
      field("entries[0].owner"),
    );
    await assert.rejects(
      checkCopyEntries([{ target: "/a", source: "/no/such/path" }]),
      field("entries[0].source"),
    );
  });

  test("content becomes bytes; a source says whether it is a directory", async () => {
    const [text, dir] = await checkCopyEntries([
      { target: "/a", content: "hi", mode: 0o600 },
      { target: "/b", source: tmpdir() },
    ]);
    assert.deepEqual(text, {
      target: "/a",
      mode: 0o600,
      uid: undefined,
      gid: undefined,
      content: Buffer.from("hi"),
    });
    assert.equal(dir && "isDirectory" in dir && dir.isDirectory, true);
  });
});
