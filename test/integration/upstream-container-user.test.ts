/**
 * A port of the user tests in containerd's integration/client/container_linux_test.go
 * (TestContainerUsername, TestContainerUser, TestContainerUserID, TestUIDNoGID) to this SDK.
 * The busybox image is replaced by the harness's busybox rootfs with the busybox image's own
 * /etc/passwd and /etc/group written into it; upstream's `oci.WithUser`/`WithUsername`/`WithUserID`
 * become the `user` option. Assertions are upstream's; the tests after them check what the SDK adds
 * (NotFoundError for unknown names, exec users, supplementary groups).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { type Container, NotFoundError } from "../../src/index.js";
import { busyboxRootfs } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

// The busybox image's user database, plus a group "web" listing www-data as a member.
const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
wheel:x:10:root
www-data:x:33:
staff:x:50:
users:x:100:
web:x:1001:www-data
nogroup:x:65534:
`;

describe("upstream container_linux_test.go: users", () => {
  const d = useDaemon();
  let rootfs: string;

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), "upstream-user-"));
    rootfs = await busyboxRootfs(join(dir, "rootfs"));
    await writeFile(join(rootfs, "etc/passwd"), PASSWD);
    await writeFile(join(rootfs, "etc/group"), GROUP);
    d.defer(() => rm(dir, { recursive: true, force: true }));
  });

  /** Runs `sh -c script` as `user` in a new container and returns its trimmed stdout. */
  async function runAs(user: string | number, script: string): Promise<string> {
    const { exitCode, stdout, stderr } = await d.client.run({
      id: uniqueId("user"),
      rootfs,
      user,
      args: ["/bin/sh", "-c", script],
    });
    assert.equal(exitCode, 0, stderr);
    return stdout.trimEnd();
  }

  test("TestContainerUsername: www-data runs as uid 33", async () => {
    assert.equal(await runAs("www-data", "id -u"), "33");
  });

  for (const [name, user, expected] of [
    ["UserNameAndGroupName", "www-data:www-data", "33:33"],
    ["UserIDAndGroupName", "1001:www-data", "1001:33"],
    ["UserNameAndGroupID", "www-data:1002", "33:1002"],
    ["UserIDAndGroupID", "1001:1002", "1001:1002"],
  ] as const) {
    test(`TestContainerUser/${name}: ${user} runs as ${expected}`, async () => {
      assert.equal(await runAs(user, "echo $(id -u):$(id -g)"), expected);
    });
  }

  test("TestContainerUserID: uid 3 takes gid 3 from /etc/passwd", async () => {
    assert.equal(await runAs(3, "echo $(id -u):$(id -g)"), "3:3");
  });

  test("TestUIDNoGID: a uid missing from /etc/passwd gets gid 0 in the spec", async () => {
    const c = await d.client.containers.create(uniqueId("user"), { rootfs, user: 1000 });
    const { user } = (await c.spec()).process ?? {};
    assert.equal(user?.uid, 1000);
    assert.equal(user?.gid, 0);
    await c.delete();
  });

  test("a user name missing from /etc/passwd is a NotFoundError naming it, and no container is made", async () => {
    const id = uniqueId("user");
    await assert.rejects(
      d.client.containers.create(id, { rootfs, user: "postgres" }),
      (err: unknown) => err instanceof NotFoundError && err.message.includes('"postgres"'),
    );
    await assert.rejects(d.client.containers.load(id), NotFoundError);
  });

  test("a group name missing from /etc/group is a NotFoundError naming it", async () => {
    await assert.rejects(
      d.client.containers.create(uniqueId("user"), { rootfs, user: "www-data:ghosts" }),
      (err: unknown) => err instanceof NotFoundError && err.message.includes('"ghosts"'),
    );
  });

  test("the groups listing the user become supplementary groups (WithAdditionalGIDs)", async () => {
    assert.equal(await runAs("www-data", "id -G"), "33 1001");
  });

  test("www-data:staff runs with gid 50 and keeps www-data's supplementary groups", async () => {
    assert.equal(await runAs("www-data:staff", "echo $(id -u):$(id -g) $(id -G)"), "33:50 50 1001");
  });

  describe("exec", () => {
    let container: Container;

    before(async () => {
      container = await d.client.containers.create(uniqueId("user"), { rootfs, args: ["/bin/sleep", "600"] });
      const task = await container.newTask();
      await task.start();
      d.defer(async () => {
        await task.delete({ force: true });
        await container.delete();
      });
    });

    test("exec as a user name resolves it in the container's rootfs", async () => {
      const task = await container.task();
      const { stdout } = await task.run(["/bin/sh", "-c", "echo $(id -u):$(id -g)"], { user: "www-data" });
      assert.equal(stdout.trimEnd(), "33:33");
    });

    test("exec as a bare uid takes its gid from /etc/passwd", async () => {
      const task = await container.task();
      const { stdout } = await task.run(["/bin/sh", "-c", "echo $(id -u):$(id -g)"], { user: "8" });
      assert.equal(stdout.trimEnd(), "8:8");
    });

    test("exec as an unknown user is a NotFoundError", async () => {
      const task = await container.task();
      await assert.rejects(task.run(["/bin/true"], { user: "nobody-here" }), NotFoundError);
    });
  });
});
