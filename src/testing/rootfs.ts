import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { chmod, copyFile, link, mkdir, open, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's busybox-static: one static binary, so the rootfs needs no libc. */
const BUSYBOX = "/bin/busybox";
const HINT = "install it with `apt-get install -y busybox-static`";

const DIRS = ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "root", "var", "run"];
const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
const GROUP = "root:x:0:\nnogroup:x:65534:\n";

let applets: Promise<string[]> | undefined;

/** Checks once per process that busybox is there and static, and lists its applets' paths. */
function listApplets(): Promise<string[]> {
  applets ??= (async () => {
    let head: Buffer;
    try {
      const file = await open(BUSYBOX, "r");
      head = Buffer.alloc(4096);
      await file.read(head, 0, head.length, 0).finally(() => file.close());
    } catch {
      throw new Error(`containerd-sdk/testing: ${BUSYBOX} not found; ${HINT}`);
    }
    // A dynamic busybox names its loader in PT_INTERP near the start; it would not run without libc.
    if (/ld-linux|ld-musl/.test(head.toString("latin1"))) {
      throw new Error(`containerd-sdk/testing: ${BUSYBOX} is dynamically linked; ${HINT}`);
    }
    const { stdout } = await run(BUSYBOX, ["--list-full"]);
    return stdout.split("\n").filter((path) => path && !path.startsWith("/") && !path.includes(".."));
  })();
  applets.catch(() => {
    applets = undefined; // let a later call retry after the package is installed
  });
  return applets;
}

/**
 * Builds a minimal root filesystem in `dir` (created if missing) from Debian's busybox-static:
 * the usual top-level directories, `bin/busybox` with a hard link for every applet (`bin/sh`,
 * `usr/bin/env`, ...), and an `etc/passwd` and `etc/group` with root and nobody. Returns the
 * absolute path. The binary is copied, not linked to the host's, so a container may write into it.
 */
export async function busyboxRootfs(dir: string): Promise<string> {
  const root = resolve(dir);
  const paths = await listApplets();
  const parents = new Set([...DIRS, ...paths.map((path) => dirname(path))]);
  await Promise.all([...parents].map((d) => mkdir(join(root, d), { recursive: true })));
  await chmod(join(root, "tmp"), 0o1777);
  const busybox = join(root, "bin/busybox");
  await copyFile(BUSYBOX, busybox, constants.COPYFILE_FICLONE);
  await Promise.all([
    writeFile(join(root, "etc/passwd"), PASSWD),
    writeFile(join(root, "etc/group"), GROUP),
    ...paths.map(async (path) => {
      const target = join(root, path);
      if (target === busybox) return;
      await link(busybox, target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
    }),
  ]);
  return root;
}
