import { hostPlatform } from "../images/index.js";
import type { DebianImageOptions } from "./debian-image-options.js";
import { imageHealthcheck } from "./healthcheck-options.js";
import type { ImageHealthcheck } from "./service/wait/healthcheck.js";

/** The `PATH` a Debian image runs with unless its `env` gives one (Docker's default). */
const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** @internal The runtime part of an image config, in Docker's field names. */
export interface DebianImageRuntimeConfig {
  Env: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  User?: string;
  WorkingDir?: string;
  ExposedPorts?: Record<string, object>;
  StopSignal?: string;
  Healthcheck?: ImageHealthcheck;
}

/** @internal The image config blob for checked `options` over layers with `diffIds`. */
export function debianImageConfig(options: DebianImageOptions, diffIds: string[], created: Date): object {
  return {
    created: created.toISOString(),
    ...hostPlatform(),
    config: runtimeConfig(options),
    rootfs: { type: "layers", diff_ids: diffIds },
    history: diffIds.map(() => ({ created: created.toISOString(), created_by: "containerd-sdk/testing" })),
  };
}

/** @internal The runtime config of checked `options`: only what they give, `Env` always. */
export function runtimeConfig(o: DebianImageOptions): DebianImageRuntimeConfig {
  const env = o.env ?? [];
  const config: DebianImageRuntimeConfig = {
    Env: env.some((e) => e.startsWith("PATH=")) ? env : [DEFAULT_PATH, ...env],
  };
  if (o.cmd) config.Cmd = o.cmd;
  if (o.entrypoint) config.Entrypoint = o.entrypoint;
  if (o.user) config.User = o.user;
  if (o.workingDir) config.WorkingDir = o.workingDir;
  if (o.exposedPorts?.length) {
    config.ExposedPorts = Object.fromEntries(o.exposedPorts.map((p) => [`${p}/tcp`, {}]));
  }
  if (o.stopSignal) config.StopSignal = o.stopSignal;
  if (o.healthcheck) config.Healthcheck = imageHealthcheck(o.healthcheck);
  return config;
}
