import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { patchRuntimeConfig } from "./image-config-patch.js";
import { debug } from "./log.js";
import { busyboxRootfs } from "./rootfs.js";
import type { ImageHealthcheck } from "./service/wait/healthcheck.js";

const run = promisify(execFile);

/** How {@link buildBusyboxImage} builds the image. */
export interface BuildImageOptions {
  /** Parent directory of the image's temp dir. Default the OS temp dir. */
  parentDir?: string;
  /** Tag inside the OCI layout. Default `latest`. */
  tag?: string;
  /** Config `Cmd`. Default `["/bin/sh"]`. */
  cmd?: string[];
  /** Config `Entrypoint`. Default none. */
  entrypoint?: string[];
  /** Config `Env`. Default `["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]`. */
  env?: string[];
  /** Config `WorkingDir`. Default none ("/"). */
  workingDir?: string;
  /** Config `User`. Default none (root). */
  user?: string;
  /** Config `StopSignal` (`SIGUSR1`, …). Default none (SIGTERM). */
  stopSignal?: string;
  /** Files added as a second layer, path (absolute, in the image) → content. */
  files?: Record<string, string>;
  /**
   * Config `Healthcheck`, as Docker writes it (`Test`: `["CMD", …]` or `["CMD-SHELL", cmd]`;
   * `Interval`, `Timeout`, `StartPeriod` in nanoseconds; `Retries`). Default none.
   */
  healthcheck?: ImageHealthcheck;
}

const BUILD_KEYS = optionKeys<BuildImageOptions>()([
  "parentDir",
  "tag",
  "cmd",
  "entrypoint",
  "env",
  "workingDir",
  "user",
  "stopSignal",
  "files",
  "healthcheck",
]);

const PUSH_KEYS = optionKeys<NonNullable<Parameters<BuiltImage["push"]>[1]>>()(["auth"]);

/** An OCI image layout on disk, built by umoci; copy it anywhere with skopeo. */
export interface BuiltImage extends AsyncDisposable {
  /** The OCI layout directory. */
  readonly layout: string;
  /** Its tag in the layout. */
  readonly tag: string;
  /** skopeo's name for it: `oci:<layout>:<tag>`. */
  readonly source: string;
  /** Pushes it to `destination` (`127.0.0.1:PORT/repo:tag`) over plain HTTP with skopeo. */
  push(destination: string, options?: { auth?: { username: string; password: string } }): Promise<void>;
  /** Writes an OCI layout tar (skopeo `oci-archive`) naming the image `refName` (default its tag). */
  writeOciArchive(file: string, refName?: string): Promise<void>;
  /** Writes a `docker save` tar (skopeo `docker-archive`) tagged `repoTag` (e.g. `busybox:latest`). */
  writeDockerArchive(file: string, repoTag: string): Promise<void>;
  /** Removes the layout's temp dir. */
  remove(): Promise<void>;
}

/**
 * Builds a busybox OCI image from the harness's busybox rootfs with umoci: one layer with the
 * rootfs, a second with `files` if given, and the config from the options. No containerd needed.
 */
export async function buildBusyboxImage(options?: BuildImageOptions): Promise<BuiltImage> {
  options = optionsObject(options);
  checkOptionKeys(options, BUILD_KEYS);
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "image-"));
  const tag = options.tag ?? "latest";
  const layout = join(dir, "layout");
  const image = `${layout}:${tag}`;
  try {
    const rootfs = await busyboxRootfs(join(dir, "rootfs"));
    await umoci(["init", "--layout", layout]);
    await umoci(["new", "--image", image]);
    await umoci(["insert", "--image", image, rootfs, "/"]);
    if (options.files && Object.keys(options.files).length > 0) {
      const extra = join(dir, "extra");
      for (const [path, text] of Object.entries(options.files)) {
        const target = join(extra, path);
        await mkdir(join(target, ".."), { recursive: true });
        await writeFile(target, text);
      }
      await umoci(["insert", "--image", image, extra, "/"]);
    }
    const args = ["config", "--image", image];
    for (const c of options.cmd ?? ["/bin/sh"]) args.push("--config.cmd", c);
    for (const e of options.entrypoint ?? []) args.push("--config.entrypoint", e);
    for (const e of options.env ?? ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]) args.push("--config.env", e);
    if (options.workingDir) args.push("--config.workingdir", options.workingDir);
    if (options.user) args.push("--config.user", options.user);
    if (options.stopSignal) args.push("--config.stopsignal", options.stopSignal);
    await umoci(args);
    if (options.healthcheck) await patchRuntimeConfig(layout, tag, { Healthcheck: options.healthcheck });
    await rm(rootfs, { recursive: true, force: true });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  debug("built busybox image %s", image);
  const source = `oci:${image}`;
  const remove = () => rm(dir, { recursive: true, force: true });
  return {
    layout,
    tag,
    source,
    push: async (destination, pushOptions) => {
      pushOptions = optionsObject(pushOptions);
      checkOptionKeys(pushOptions, PUSH_KEYS);
      const args = ["copy", "--quiet", "--dest-tls-verify=false"];
      if (pushOptions.auth)
        args.push("--dest-creds", `${pushOptions.auth.username}:${pushOptions.auth.password}`);
      await skopeo([...args, source, `docker://${destination}`]);
    },
    writeOciArchive: (file, refName = tag) =>
      skopeo(["copy", "--quiet", source, `oci-archive:${file}:${refName}`]),
    writeDockerArchive: (file, repoTag) =>
      skopeo(["copy", "--quiet", source, `docker-archive:${file}:${repoTag}`]),
    remove,
    [Symbol.asyncDispose]: remove,
  };
}

async function umoci(args: string[]): Promise<void> {
  await tool("umoci", args, "apt-get install -y umoci");
}

async function skopeo(args: string[]): Promise<void> {
  await tool("skopeo", args, "apt-get install -y skopeo");
}

async function tool(name: string, args: string[], hint: string): Promise<void> {
  try {
    await run(name, args, { maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error(`containerd-sdk/testing: ${name} not found; ${hint}`);
    throw new Error(
      `containerd-sdk/testing: ${name} ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`,
    );
  }
}
