import { buildDebianImage, type DebianImage } from "./debian-image.js";
import type { DebianImageOptions } from "./debian-image-options.js";
import { POSTGRES_ENTRYPOINT } from "./postgres-entrypoint.js";

/** What the ready-made service images take: where and how to build, not what. */
export type ServiceImageOptions = Pick<
  DebianImageOptions,
  "tag" | "suite" | "mirror" | "cacheDir" | "parentDir" | "signal"
>;

/** The log line redis prints once it accepts connections. */
export const REDIS_READY_LOG = /Ready to accept connections/;

/** The log line postgres prints once it accepts connections (once: no temporary server runs). */
export const POSTGRES_READY_LOG = /database system is ready to accept connections/;

/**
 * Redis (Debian's `redis-server`): in the foreground as user `redis`, `--bind 0.0.0.0
 * --protected-mode no`, in /var/lib/redis, port 6379, healthcheck `redis-cli ping`. Ready when it
 * logs {@link REDIS_READY_LOG}. Arguments given at run replace the command (keep `redis-server`).
 */
export function redisImage(options?: ServiceImageOptions): Promise<DebianImage> {
  return buildDebianImage({
    ...options,
    packages: ["redis-server"],
    cmd: ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no"],
    user: "redis",
    workingDir: "/var/lib/redis",
    exposedPorts: [6379],
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1000, timeout: 3000, retries: 30 },
  });
}

/**
 * PostgreSQL (Debian's `postgresql`, 15 on bookworm) on port 5432. Its entrypoint runs `initdb` as
 * `postgres` on an empty `$PGDATA` (default /var/lib/postgresql/data) with user `POSTGRES_USER`
 * (default `postgres`), password `POSTGRES_PASSWORD` (default `postgres`) and database
 * `POSTGRES_DB` (default the user), every host allowed with scram-sha-256, then execs `postgres`
 * in the foreground with `listen_addresses='*'`. Ready when it logs {@link POSTGRES_READY_LOG}
 * (once); stop signal SIGINT (fast shutdown); healthcheck `pg_isready`. Arguments given at run go
 * to `postgres` (`-c fsync=off`).
 */
export function postgresImage(options?: ServiceImageOptions): Promise<DebianImage> {
  return buildDebianImage({
    ...options,
    packages: ["postgresql"],
    // Never used here: the package's own cluster (40 MB), locale sources (17 MB), and LLVM for JIT
    // (130 MB; without llvmjit.so postgres runs with JIT off).
    customize: [
      "rm -rf /var/lib/postgresql/*/main /etc/postgresql/*/main /usr/share/i18n",
      "rm -f /usr/lib/*/libLLVM-*.so* /usr/lib/*/libz3.so* /usr/lib/postgresql/*/lib/llvmjit*",
    ],
    entrypoint: ["/usr/local/bin/postgres-entrypoint"],
    files: { "/usr/local/bin/postgres-entrypoint": POSTGRES_ENTRYPOINT },
    env: ["LANG=C.UTF-8", "PGDATA=/var/lib/postgresql/data"],
    exposedPorts: [5432],
    stopSignal: "SIGINT",
    healthcheck: {
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432"],
      interval: 1000,
      timeout: 3000,
      retries: 30,
    },
  });
}
