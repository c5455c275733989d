import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { isAbortError } from "abort-controller-x";
import tar from "tar-stream";
import {
  type Container,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  type Task,
} from "../../src/index.js";
import { buildBusyboxImage } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const IMAGE = "acc/copy:latest";

/** One tar entry as read back: its header and, for a file, its bytes. */
interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname?: string;
  body: Buffer;
}

/** Every entry of a tar stream, by name. */
async function untar(stream: Readable): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const extract = tar.extract();
  stream.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const h = entry.header;
    entries.set(h.name, {
      type: h.type ?? "file",
      mode: h.mode ?? 0,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      mtime: h.mtime?.getTime() ?? 0,
      linkname: h.linkname ?? undefined,
      body: Buffer.concat(chunks),
    });
  }
  return entries;
}

function sha(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The mounts of this process's namespace, as text. */
function mountinfo(): Promise<string> {
  return readFile("/proc/self/mountinfo", "utf8");
}

describe("copying files into and out of containers", () => {
  const d = useDaemon();
  let host: string;

  before(async () => {
    host = await mkdtemp(join(tmpdir(), "copy-host-"));
    await using built = await buildBusyboxImage({ cmd: ["/bin/sleep", "600"] });
    const file = join(host, "image.tar");
    await built.writeOciArchive(file, IMAGE);
    await d.client.images.import(file);
  });
  after(async () => {
    await rm(host, { recursive: true, force: true });
  });

  /** A container from the image, with no task. */
  async function fromImage(): Promise<Container> {
    const container = await d.client.containers.create(uniqueId("cp"), { image: IMAGE });
    d.defer(() => container.delete().catch(() => {}));
    return container;
  }

  /** A container from the image with a running task (`sleep 600`). */
  async function running(): Promise<{ container: Container; task: Task }> {
    const container = await fromImage();
    const task = await container.newTask();
    await task.start();
    d.defer(() => task.delete({ force: true }).catch(() => {}));
    return { container, task };
  }

  /** `stat` of `path` as the container sees it: mode (octal), uid, gid. */
  async function statInside(task: Task, path: string): Promise<string> {
    return (await task.run(["/bin/stat", "-c", "%a %u %g", path])).stdout.trim();
  }

  test("into a running task: the container sees the file with its mode and owner; readFile gives it back", async () => {
    const { container, task } = await running();
    await container.copyTo([
      { target: "/etc/greeting", content: "hello\n", mode: 0o640, uid: 1000, gid: 1001 },
    ]);
    assert.equal((await task.run(["/bin/cat", "/etc/greeting"])).stdout, "hello\n");
    assert.equal(await statInside(task, "/etc/greeting"), "640 1000 1001");
    assert.equal((await container.readFile("/etc/greeting")).toString(), "hello\n");
  });

  test("into a container without a task: its next task sees the file, and nothing stays mounted", async () => {
    const container = await fromImage();
    await container.copyTo([{ target: "/srv/new/dir/file.txt", content: Buffer.from("from the host") }]);
    const { snapshotKey } = await container.info();
    const [mount] = await d.client.snapshots().mounts(snapshotKey);
    const upper = mount?.options?.find((o) => o.startsWith("upperdir="))?.slice("upperdir=".length);
    const mounts = await mountinfo();
    assert.ok(!mounts.includes("containerd-sdk-copy-"), mounts);
    if (upper) assert.ok(!mounts.includes(upper), `${upper} is still mounted`);
    assert.equal((await container.readFile("/srv/new/dir/file.txt")).toString(), "from the host");
    const task = await container.newTask();
    await task.start();
    try {
      assert.equal((await task.run(["/bin/cat", "/srv/new/dir/file.txt"])).stdout, "from the host");
      assert.equal(await statInside(task, "/srv/new/dir/file.txt"), "644 0 0");
      assert.equal(await statInside(task, "/srv/new"), "755 0 0");
    } finally {
      await task.delete({ force: true });
    }
  });

  test("a container whose rootfs is a host path is written in place", async () => {
    const rootfs = await d.ctr.rootfs();
    const container = await d.client.containers.create(uniqueId("cp"), { rootfs, args: ["/bin/true"] });
    await container.copyTo([{ target: "/hello", content: "hi" }]);
    assert.equal(await readFile(join(rootfs, "hello"), "utf8"), "hi");
    await container.delete();
  });

  for (const setup of ["a running task", "no task"] as const) {
    describe(`hostile symlinks, ${setup}`, () => {
      let container: Container;
      let outside: string;
      const secret = "the host's own secret";

      before(async () => {
        // A directory and a file on the host that the container's symlinks name.
        outside = await mkdtemp(join(tmpdir(), "copy-outside-"));
        await writeFile(join(outside, "secret"), secret);
        const links = await mkdtemp(join(tmpdir(), "copy-links-"));
        await symlink("/", join(links, "to-root"));
        await symlink("../../../../../../..", join(links, "to-up"));
        await symlink(outside, join(links, "to-host-dir"));
        await symlink(join(outside, "secret"), join(links, "to-host-file"));
        container = setup === "no task" ? await fromImage() : (await running()).container;
        await container.copyTo([{ target: "/links", source: links }]);
        await rm(links, { recursive: true });
      });
      after(async () => {
        await rm(outside, { recursive: true, force: true });
      });

      test("copyTo through a link to / or to .. writes inside the container", async () => {
        const name = `owned-${process.pid}-${setup.length}`;
        await container.copyTo([
          { target: `/links/to-root/tmp/${name}`, content: "a" },
          { target: `/links/to-up/tmp/${name}-up`, content: "b" },
        ]);
        assert.ok(!existsSync(`/tmp/${name}`) && !existsSync(`/tmp/${name}-up`), "written on the host");
        assert.equal((await container.readFile(`/tmp/${name}`)).toString(), "a");
        assert.equal((await container.readFile(`/tmp/${name}-up`)).toString(), "b");
      });

      test("copyTo through a link to a host path never touches the host path", async () => {
        await container.copyTo([
          { target: "/links/to-host-dir/planted", content: "x" },
          { target: "/links/to-host-file", content: "overwritten" },
        ]);
        assert.deepEqual((await readdir(outside)).sort(), ["secret"]);
        assert.equal(await readFile(join(outside, "secret"), "utf8"), secret);
        // Both landed at those paths inside the container.
        assert.equal((await container.readFile(join(outside, "planted"))).toString(), "x");
        assert.equal((await container.readFile(join(outside, "secret"))).toString(), "overwritten");
        assert.equal((await container.readFile("/links/to-host-file")).toString(), "overwritten");
      });

      test("readFile and copyFrom through links never read the host", async () => {
        const passwd = (await container.readFile("/etc/passwd")).toString();
        assert.notEqual(passwd, await readFile("/etc/passwd", "utf8"));
        assert.equal((await container.readFile("/links/to-root/etc/passwd")).toString(), passwd);
        assert.equal((await container.readFile("/links/to-up/etc/passwd")).toString(), passwd);
        // The container's own file at that path, if any (the test before may have written one).
        const through = await container.readFile("/links/to-host-dir/secret").then(String, () => undefined);
        assert.notEqual(through, secret);
        const entries = await untar(await container.copyFrom("/links"));
        assert.deepEqual(
          [entries.get("links/to-root")?.type, entries.get("links/to-root")?.linkname],
          ["symlink", "/"],
        );
        assert.equal(entries.get("links/to-host-dir")?.linkname, outside);
        for (const e of entries.values()) assert.ok(!e.body.toString().includes(secret));
        const etc = await untar(await container.copyFrom("/links/to-up/etc"));
        assert.equal(etc.get("etc/passwd")?.body.toString(), passwd);
      });
    });
  }

  test("a missing path is a NotFoundError (404) for readFile and copyFrom", async () => {
    for (const container of [await fromImage(), (await running()).container]) {
      for (const read of [() => container.readFile("/no/such/file"), () => container.copyFrom("/no/such")]) {
        const err = await read().catch((e: unknown) => e);
        assert.ok(err instanceof NotFoundError, String(err));
        assert.equal(err.statusCode(), 404);
        assert.match(err.message, /"\/no\/such/);
      }
    }
  });

  test("a 50 MiB file arrives whole both ways", async () => {
    const { container } = await running();
    const data = randomBytes(50 * 1024 * 1024);
    await container.copyTo([{ target: "/big.bin", content: data }]);
    assert.equal(sha(await container.readFile("/big.bin")), sha(data));
    const entries = await untar(await container.copyFrom("/big.bin"));
    assert.equal(sha(entries.get("big.bin")?.body ?? Buffer.alloc(0)), sha(data));
  });

  test("a tree with symlinks round-trips with modes, owners and mtimes (symlinks kept)", async () => {
    const tree = join(host, "tree");
    await mkdir(join(tree, "bin"), { recursive: true });
    await writeFile(join(tree, "bin", "tool"), "#!/bin/sh\necho tool\n", { mode: 0o755 });
    await writeFile(join(tree, "private"), "p", { mode: 0o600 });
    await writeFile(join(tree, "setuid"), "s", { mode: 0o4755 });
    await symlink("bin/tool", join(tree, "relative-link"));
    await symlink("/etc/passwd", join(tree, "absolute-link"));
    const when = new Date("2020-01-02T03:04:05Z");
    for (const p of ["bin/tool", "private", "setuid", "bin", ""]) await utimes(join(tree, p), when, when);
    const { container, task } = await running();
    await container.copyTo([{ target: "/opt/tree", source: tree, uid: 33, gid: 44 }]);
    assert.equal((await task.run(["/opt/tree/relative-link"])).stdout, "tool\n");
    const entries = await untar(await container.copyFrom("/opt/tree"));
    assert.deepEqual([...entries.keys()].sort(), [
      "tree/",
      "tree/absolute-link",
      "tree/bin/",
      "tree/bin/tool",
      "tree/private",
      "tree/relative-link",
      "tree/setuid",
    ]);
    const at = (name: string) => entries.get(`tree/${name}`) as Entry;
    assert.equal(at("bin/tool").mode, 0o755);
    assert.equal(at("private").mode, 0o600);
    assert.equal(at("setuid").mode, 0o4755);
    assert.equal(at("bin/tool").body.toString(), "#!/bin/sh\necho tool\n");
    assert.deepEqual([at("relative-link").type, at("relative-link").linkname], ["symlink", "bin/tool"]);
    assert.deepEqual([at("absolute-link").type, at("absolute-link").linkname], ["symlink", "/etc/passwd"]);
    for (const name of ["bin/tool", "private", "setuid", "bin/", "relative-link"]) {
      assert.deepEqual([at(name).uid, at(name).gid], [33, 44], name);
    }
    for (const name of ["bin/tool", "private", "bin/", ""])
      assert.equal(at(name).mtime, when.getTime(), name);
    assert.equal(await readlink(join(tree, "relative-link")), "bin/tool");
  });

  test("a copy from a container without a task, aborted mid-stream, closes its files and leaves no mount", async () => {
    const container = await fromImage();
    const name = `abort-me-${process.pid}.bin`;
    await container.copyTo([{ target: `/${name}`, content: randomBytes(32 * 1024 * 1024) }]);
    const controller = new AbortController();
    const stream = await container.copyFrom(`/${name}`, { signal: controller.signal });
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    const closed = new Promise((resolve) => stream.once("close", resolve));
    await new Promise((resolve) => stream.once("data", resolve));
    // Mid-copy the snapshot is already unmounted (detached, held by the open root alone): a client
    // that dies now leaves nothing mounted.
    assert.ok(!(await mountinfo()).includes("containerd-sdk-copy-"));
    controller.abort();
    assert.ok(isAbortError(await failed));
    await closed;
    // The producer closes its file once the abort reaches it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fds = await readdir("/proc/self/fd");
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")));
    assert.ok(!targets.some((t) => t.endsWith(name)), targets.join("\n"));
    const mounts = await mountinfo();
    assert.ok(!mounts.includes("containerd-sdk-copy-"), mounts);
  });

  test("a container with a stopped task can be read but not written", async () => {
    const { container, task } = await running();
    await container.copyTo([{ target: "/before-stop", content: "kept" }]);
    await task.kill("SIGKILL");
    await task.wait();
    assert.equal((await container.readFile("/before-stop")).toString(), "kept");
    await assert.rejects(container.copyTo([{ target: "/after", content: "x" }]), FailedPreconditionError);
  });

  test("bad input is an InvalidArgumentError naming the field, before any RPC", async () => {
    const container = await fromImage();
    await container.delete();
    const field = (field: string) => (err: unknown) =>
      err instanceof InvalidArgumentError && err.field === field;
    await assert.rejects(container.copyTo([{ target: "etc/x", content: "x" }]), field("entries[0].target"));
    await assert.rejects(container.copyTo([{ target: "/x" }]), field("entries[0].content"));
    await assert.rejects(
      container.copyTo([{ target: "/x", content: "x", source: "/etc/hostname" }]),
      field("entries[0].content"),
    );
    await assert.rejects(
      container.copyTo([{ target: "/x", content: "x", mode: 0o10000 }]),
      field("entries[0].mode"),
    );
    await assert.rejects(
      container.copyTo([{ target: "/x", content: "x", uid: -1 }]),
      field("entries[0].uid"),
    );
    await assert.rejects(
      container.copyTo([{ target: "/x", source: join(host, "no-such") }]),
      field("entries[0].source"),
    );
    await assert.rejects(container.copyTo([]), field("entries"));
    await assert.rejects(container.readFile("relative"), field("path"));
    await assert.rejects(container.copyFrom("relative"), field("path"));
  });
});
