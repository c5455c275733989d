import { optionsObject } from "../../base/call-options.js";
import { assertIdentifier } from "../../base/identifiers.js";
import { checkOptionKeys, optionKeys } from "../../base/option-keys.js";
import {
  checkBoolean,
  checkInteger,
  checkString,
  checkStringArray,
  invalid,
  isRecord,
} from "../../base/validate.js";
import type { CopyToEntry } from "../../files/options.js";
import type { PortMapping } from "../../network/index.js";
import type { ResourceOptions } from "../../oci/index.js";
import type { WaitStrategy } from "./wait/types.js";

/** A port to publish: the container's port, and the host's (default: a free one). */
export interface ServicePort {
  /** The port the service listens on in its container. */
  containerPort: number;
  /** The host port; absent or 0 for a free one. */
  hostPort?: number;
}

/** What `startService` takes. */
export interface ServiceOptions {
  /** An image name in the client's namespace; pulled first when missing. Give this or `rootfs`. */
  image?: string;
  /** A root filesystem directory on the daemon's host, instead of `image`. */
  rootfs?: string;
  /** Container ports published on the session's bridge network, each on a free host port unless given. */
  ports?: Array<number | ServicePort>;
  /** Environment, on top of the image's. */
  env?: Record<string, string> | string[];
  /** The command's arguments: they replace the image's Cmd. */
  args?: string[];
  /** Replaces the image's Entrypoint, as `docker run --entrypoint`. */
  entrypoint?: string[];
  /** Files copied into the container (`container.copyTo`) before its task starts. */
  files?: CopyToEntry[];
  /** The user to run as: a name or uid, optionally `:group`. */
  user?: string | number;
  /** Memory, CPU and pid limits (`containers.create`'s `resources`). */
  resources?: ResourceOptions;
  /** More names the container answers to on its network. */
  aliases?: string[];
  /** The container id's prefix. Default `service`. */
  name?: string;
  /** More container labels. */
  labels?: Record<string, string>;
  /** When the service is ready. Default: every port in `ports` listening (`wait.forPort`), else at once. */
  wait?: WaitStrategy;
  /** Milliseconds for everything: pull, create, start and the wait. Default 60 000. */
  startupTimeout?: number;
  /**
   * Hand back a running container made with the same options (by any process, any session) instead
   * of starting one; its disposal then leaves it running. See `ServiceHandle.reused`.
   */
  reuse?: boolean;
  /** Aborting gives up the start with an AbortError, removing what it made. */
  signal?: AbortSignal;
}

/** @internal Options checked, ports as mappings, defaults filled in. */
export interface CheckedServiceOptions extends Omit<ServiceOptions, "ports" | "startupTimeout" | "name"> {
  ports: PortMapping[];
  startupTimeout: number;
  name: string;
}

/** The default of `startupTimeout`. */
export const DEFAULT_STARTUP_TIMEOUT = 60_000;

const SERVICE_KEYS = optionKeys<ServiceOptions>()([
  "image",
  "rootfs",
  "ports",
  "env",
  "args",
  "entrypoint",
  "files",
  "user",
  "resources",
  "aliases",
  "name",
  "labels",
  "wait",
  "startupTimeout",
  "reuse",
  "signal",
]);

function checkPort(value: unknown, i: number): PortMapping {
  const field = `ports[${i}]`;
  if (typeof value === "number") return { containerPort: checkInteger(field, value, 1, 65535) };
  if (!isRecord(value)) throw invalid(field, value, "must be a port number or { containerPort, hostPort }");
  checkOptionKeys(value, ["containerPort", "hostPort"], field);
  const containerPort = checkInteger(`${field}.containerPort`, value.containerPort, 1, 65535);
  if (value.hostPort === undefined) return { containerPort };
  return { containerPort, hostPort: checkInteger(`${field}.hostPort`, value.hostPort, 0, 65535) };
}

function checkWait(value: unknown): WaitStrategy | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.waitUntilReady !== "function") {
    throw invalid("wait", value, "must be a wait strategy (wait.forLog(…), wait.forPort(…), …)");
  }
  return value as unknown as WaitStrategy;
}

/**
 * @internal Checks what `startService` can check itself before anything is made (the rest, such as
 * `env` or `resources`, `containers.create` checks before any RPC).
 */
export function checkServiceOptions(options: ServiceOptions): CheckedServiceOptions {
  const o = optionsObject(options) as ServiceOptions;
  checkOptionKeys(o, SERVICE_KEYS);
  if ((o.image === undefined) === (o.rootfs === undefined)) {
    throw invalid("image", o.image, "give exactly one of image and rootfs");
  }
  if (o.image !== undefined) checkString("image", o.image);
  if (o.ports !== undefined && !Array.isArray(o.ports)) throw invalid("ports", o.ports, "must be an array");
  if (o.aliases !== undefined) checkStringArray("aliases", o.aliases);
  if (o.files !== undefined && !Array.isArray(o.files)) throw invalid("files", o.files, "must be an array");
  if (o.reuse !== undefined) checkBoolean("reuse", o.reuse);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalid("signal", o.signal, "must be an AbortSignal");
  }
  const name = o.name ?? "service";
  assertIdentifier(name, "name");
  return {
    ...o,
    name,
    ports: (o.ports ?? []).map(checkPort),
    wait: checkWait(o.wait),
    startupTimeout:
      o.startupTimeout === undefined
        ? DEFAULT_STARTUP_TIMEOUT
        : checkInteger("startupTimeout", o.startupTimeout, 1),
  };
}
