import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../../src/errors/index.js";
import { parseGroup, parsePasswd } from "../../src/oci/user-files.js";
import { resolveUser } from "../../src/oci/user-lookup.js";

const PASSWD = [
  "root:x:0:0:root:/root:/bin/sh",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
  "",
  "  nobody:x:65534:65534:nobody:/nonexistent:/bin/false  ",
].join("\n");
const GROUP = [
  "# comment line",
  "root:x:0:",
  "daemon:x:1:",
  "staff:x:50:",
  "www-data:x:33:www-data",
  "web:x:1001:www-data,daemon",
  "logs:x:1002:www-data",
  "nogroup:x:65534:",
].join("\n");

let dir: string;
let rootfs: string;

async function makeRootfs(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  await mkdir(join(root, "etc"), { recursive: true });
  for (const [path, text] of Object.entries(files)) await writeFile(join(root, path), text);
  return root;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "oci-user-"));
  rootfs = await makeRootfs("full", { "etc/passwd": PASSWD, "etc/group": GROUP });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("resolveUser (containerd's WithUser + WithAdditionalGIDs)", () => {
  test("a name takes uid and gid from /etc/passwd, groups listing it from /etc/group", async () => {
    // The user's own group (www-data) lists it too but is not supplementary; the primary gid leads.
    assert.deepEqual(await resolveUser(rootfs, "www-data"), {
      uid: 33,
      gid: 33,
      additionalGids: [33, 1001, 1002],
    });
  });

  test("name:group takes the gid of the named group", async () => {
    assert.deepEqual(await resolveUser(rootfs, "www-data:staff"), {
      uid: 33,
      gid: 50,
      additionalGids: [50, 1001, 1002],
    });
  });

  test("uid:group resolves the group and finds the uid's groups by its passwd name", async () => {
    assert.deepEqual(await resolveUser(rootfs, "33:staff"), {
      uid: 33,
      gid: 50,
      additionalGids: [50, 1001, 1002],
    });
  });

  test("name:gid keeps the numeric gid", async () => {
    assert.deepEqual(await resolveUser(rootfs, "daemon:7"), { uid: 1, gid: 7, additionalGids: [7, 1001] });
  });

  test("a bare uid takes its gid from /etc/passwd", async () => {
    assert.deepEqual(await resolveUser(rootfs, "1"), { uid: 1, gid: 1, additionalGids: [1, 1001] });
  });

  test("a bare uid not in /etc/passwd runs with gid 0", async () => {
    assert.deepEqual(await resolveUser(rootfs, "4242"), { uid: 4242, gid: 0, additionalGids: [0] });
  });

  test("uid:gid is used as given", async () => {
    assert.deepEqual(await resolveUser(rootfs, "4242:4343"), {
      uid: 4242,
      gid: 4343,
      additionalGids: [4343],
    });
  });

  test("an entry with surrounding blanks is still found", async () => {
    assert.deepEqual(await resolveUser(rootfs, "nobody"), {
      uid: 65534,
      gid: 65534,
      additionalGids: [65534],
    });
  });

  test("a name missing from /etc/passwd is a NotFoundError naming it", async () => {
    await assert.rejects(
      resolveUser(rootfs, "postgres"),
      (err: unknown) => err instanceof NotFoundError && /"postgres"/.test(err.message),
    );
  });

  test("a group missing from /etc/group is a NotFoundError naming it", async () => {
    await assert.rejects(
      resolveUser(rootfs, "www-data:wheel"),
      (err: unknown) => err instanceof NotFoundError && /group "wheel"/.test(err.message),
    );
  });

  test("a name in a rootfs without /etc/passwd is a NotFoundError", async () => {
    const empty = await makeRootfs("empty", {});
    await assert.rejects(resolveUser(empty, "www-data"), NotFoundError);
  });

  test("a bare uid in a rootfs without /etc/passwd runs with gid 0", async () => {
    const empty = await makeRootfs("empty2", {});
    assert.deepEqual(await resolveUser(empty, "33"), { uid: 33, gid: 0, additionalGids: [0] });
  });

  test("malformed user strings are InvalidArgumentErrors naming user", async () => {
    for (const user of ["", "a:b:c", ":5", "5:"]) {
      await assert.rejects(
        resolveUser(rootfs, user),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === "user",
        user,
      );
    }
  });

  test("an absolute /etc/passwd symlink resolves inside the rootfs, not on the host", async () => {
    const root = await makeRootfs("linked", { "etc/real-passwd": "app:x:700:701::/:/bin/sh\n" });
    await symlink("/etc/real-passwd", join(root, "etc/passwd"));
    assert.deepEqual(await resolveUser(root, "app"), { uid: 700, gid: 701, additionalGids: [701] });
  });

  test("a symlink climbing out with .. stays inside the rootfs", async () => {
    await writeFile(join(dir, "outside-passwd"), "root:x:0:0::/:/bin/sh\n");
    const root = await makeRootfs("escape", {});
    await symlink("../../outside-passwd", join(root, "etc/passwd"));
    // On the host the link reaches outside-passwd; inside the rootfs it names a missing file.
    await assert.rejects(resolveUser(root, "root"), NotFoundError);
  });

  test("a symlink loop is a FailedPreconditionError, not a hang", async () => {
    const root = await makeRootfs("loop", {});
    await symlink("/etc/passwd", join(root, "etc/passwd"));
    await assert.rejects(resolveUser(root, "root"), FailedPreconditionError);
  });
});

describe("passwd and group parsing (runc's rules)", () => {
  test("short lines leave fields empty and bad numbers read as 0", () => {
    assert.deepEqual(parsePasswd(["odd:x:abc", "short"]), [
      { name: "odd", uid: 0, gid: 0 },
      { name: "short", uid: 0, gid: 0 },
    ]);
  });

  test("group comments are skipped and members split on commas", () => {
    assert.deepEqual(parseGroup(["#x:x:1:a", "g:x:5:a,b", "h:x:6:"]), [
      { name: "g", gid: 5, members: ["a", "b"] },
      { name: "h", gid: 6, members: [] },
    ]);
  });
});
