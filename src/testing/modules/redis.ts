import type { Client } from "../../client.js";
import { wait } from "../service/wait/index.js";
import { REDIS_READY_LOG, redisImage } from "../service-images.js";
import { checkModuleOptions, MODULE_KEYS, type ModuleOptions } from "./module-options.js";
import { ModuleService } from "./module-service.js";
import { startModule } from "./module-start.js";

const REDIS_PORT = 6379;

/** What `startRedis` takes: the {@link ModuleOptions}. */
export type RedisOptions = ModuleOptions;

/** A redis server for a test: a {@link ModuleService} with its `url`. */
export class RedisService extends ModuleService {
  /** `redis://127.0.0.1:<hostPort>`, for any redis client. */
  get url(): string {
    return `redis://${this.host}:${this.hostPort}`;
  }
}

/**
 * Starts redis (Debian's `redis-server`, from {@link redisImage}) for a test, its port 6379
 * published on a free host port; resolves once it has logged {@link REDIS_READY_LOG} and its host
 * port accepts connections. The image is built (its root filesystem cached across runs) and
 * imported into the client's namespace the first time.
 *
 * @throws InvalidArgumentError for bad options, naming the field, before anything is built or
 * made; then what `startService` throws.
 *
 * @example
 * ```ts
 * await using redis = await startRedis(client);
 * redis.url; // redis://127.0.0.1:40123
 * ```
 */
export async function startRedis(client: Client, options?: RedisOptions): Promise<RedisService> {
  const { checked } = checkModuleOptions(options, MODULE_KEYS, "redis");
  const service = await startModule(
    client,
    {
      kind: "redis",
      build: redisImage,
      containerPort: REDIS_PORT,
      wait: wait.all(wait.forLog(REDIS_READY_LOG), wait.forPort(REDIS_PORT)),
    },
    checked,
  );
  return new RedisService(service, REDIS_PORT);
}
