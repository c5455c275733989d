import { optionsObject } from "../../base/call-options.js";
import { assertIdentifier } from "../../base/identifiers.js";
import { checkOptionKeys, optionKeys } from "../../base/option-keys.js";
import { checkBoolean, checkInteger, checkStringRecord, invalid } from "../../base/validate.js";
import { normalizeEnv } from "../../oci/index.js";
import type { ServiceOptions } from "../service/options.js";

/**
 * What every ready-made module (`startRedis`, `startPostgres`) takes: the `startService` options
 * that make sense for a service whose image, command and port are the module's.
 */
export interface ModuleOptions {
  /** Environment, on top of the image's. */
  env?: Record<string, string> | string[];
  /** The container id's prefix. Default the module's name (`redis`, `postgres`). */
  name?: string;
  /** More container labels. */
  labels?: Record<string, string>;
  /**
   * Milliseconds for the start and the wait (`startService`'s `startupTimeout`), default 60 000.
   * Not for building and importing the image, which takes minutes while its root filesystem is not
   * cached yet: `signal` bounds that.
   */
  startupTimeout?: number;
  /** Hand back a running service started with the same options, and leave it running at disposal (`startService`'s `reuse`). */
  reuse?: boolean;
  /** Aborting gives up the image build, the import or the start with an AbortError, removing what it made. */
  signal?: AbortSignal;
}

/** @internal The names of {@link ModuleOptions}, for a module's own list. */
export const MODULE_KEYS = optionKeys<ModuleOptions>()([
  "env",
  "name",
  "labels",
  "startupTimeout",
  "reuse",
  "signal",
]);

/** @internal Module options checked: `env` as `KEY=value` strings, `name` defaulted. */
export interface CheckedModuleOptions extends Omit<ModuleOptions, "env" | "name"> {
  env: string[];
  name: string;
}

/**
 * @internal Checks a module's options (its own names `keys`, the shared ones among them) before
 * anything is built or made: an InvalidArgumentError names the field. Resolves the shared ones.
 */
export function checkModuleOptions<T extends ModuleOptions>(
  options: T | undefined,
  keys: readonly string[],
  defaultName: string,
): { o: Partial<T>; checked: CheckedModuleOptions } {
  const o = optionsObject(options) as Partial<T>;
  checkOptionKeys(o, keys);
  const name = o.name ?? defaultName;
  assertIdentifier(name, "name");
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalid("signal", o.signal, "must be an AbortSignal");
  }
  const checked: CheckedModuleOptions = {
    env: o.env === undefined ? [] : normalizeEnv(o.env, "env"),
    name,
    signal: o.signal,
  };
  if (o.labels !== undefined) checked.labels = checkStringRecord("labels", o.labels);
  if (o.startupTimeout !== undefined) {
    checked.startupTimeout = checkInteger("startupTimeout", o.startupTimeout, 1);
  }
  if (o.reuse !== undefined) checked.reuse = checkBoolean("reuse", o.reuse);
  return { o, checked };
}

/** @internal `startService`'s options for a module's image and port, with the module options given. */
export function serviceOptions(
  checked: CheckedModuleOptions,
  image: string,
  containerPort: number,
  extra: Pick<ServiceOptions, "wait" | "args">,
): ServiceOptions {
  const { env, name, labels, startupTimeout, reuse, signal } = checked;
  const picked: ServiceOptions = { labels, startupTimeout, reuse, signal };
  for (const key of Object.keys(picked) as (keyof ServiceOptions)[]) {
    if (picked[key] === undefined) delete picked[key];
  }
  return { ...picked, ...extra, image, name, env, ports: [containerPort] };
}
