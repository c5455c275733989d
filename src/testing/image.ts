import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { type BuiltImage, builtImage, tool } from "./built-image.js";
import { checkHealthcheck, type HealthcheckOptions, imageHealthcheck } from "./healthcheck-options.js";
import { patchRuntimeConfig } from "./image-config-patch.js";
import { debug } from "./log.js";
import { busyboxRootfs } from "./rootfs.js";

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
  /** Config `Healthcheck` (what `wait.forHealthcheck()` runs); times in ms. Default none. */
  healthcheck?: HealthcheckOptions;
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
    if (options.healthcheck) {
      const Healthcheck = imageHealthcheck(checkHealthcheck(options.healthcheck));
      await patchRuntimeConfig(layout, tag, { Healthcheck });
    }
    await rm(rootfs, { recursive: true, force: true });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  debug("built busybox image %s", image);
  return builtImage(dir, layout, tag);
}

async function umoci(args: string[]): Promise<void> {
  await tool("umoci", args, "apt-get install -y umoci");
}
