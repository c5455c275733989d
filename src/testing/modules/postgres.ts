import type { Client } from "../../client.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ServiceHandle } from "../service/service-handle.js";
import { wait } from "../service/wait/index.js";
import { POSTGRES_READY_LOG, postgresImage } from "../service-images.js";
import { checkModuleOptions, MODULE_KEYS, type ModuleOptions } from "./module-options.js";
import { ModuleService } from "./module-service.js";
import { startModule } from "./module-start.js";

const POSTGRES_PORT = 5432;

/** The user, password and database unless told. */
const DEFAULT_CREDENTIAL = "postgres";

/** What `startPostgres` takes: the {@link ModuleOptions}, and who and what initdb makes. */
export interface PostgresOptions extends ModuleOptions {
  /** The superuser initdb makes. Default `postgres`. */
  user?: string;
  /** Its password (scram-sha-256 over TCP). Default `postgres`. */
  password?: string;
  /** The database made for the tests. Default `postgres`. */
  database?: string;
}

const POSTGRES_KEYS = [...MODULE_KEYS, "user", "password", "database"] as const;

/** Set from `user`, `password` and `database`: in `env` they would contradict the handle's fields. */
const OWN_ENV = { POSTGRES_USER: "user", POSTGRES_PASSWORD: "password", POSTGRES_DB: "database" };

/** Who connects to what. */
interface Credentials {
  user: string;
  password: string;
  database: string;
}

/** A PostgreSQL server for a test: a {@link ModuleService} with what connecting takes. */
export class PostgresService extends ModuleService {
  /** The superuser. */
  readonly user: string;
  /** Its password. */
  readonly password: string;
  /** The database made for the tests. */
  readonly database: string;

  /** @internal */
  constructor(service: ServiceHandle, credentials: Credentials) {
    super(service, POSTGRES_PORT);
    this.user = credentials.user;
    this.password = credentials.password;
    this.database = credentials.database;
  }

  /** `postgres://user:password@127.0.0.1:<hostPort>/database` (parts URL-encoded), for `pg` and others. */
  get connectionString(): string {
    const e = encodeURIComponent;
    return `postgres://${e(this.user)}:${e(this.password)}@${this.host}:${this.hostPort}/${e(this.database)}`;
  }
}

/**
 * A credential: a non-empty string without NUL or line breaks (initdb reads the password as a
 * line). The message never quotes the value: it may be a password.
 */
function checkCredential(field: string, value: unknown): string {
  if (value === undefined) return DEFAULT_CREDENTIAL;
  if (typeof value !== "string" || value === "" || /[\0\r\n]/.test(value)) {
    throw new InvalidArgumentError(`${field}: must be a non-empty string without NUL or line breaks`, {
      field,
    });
  }
  return value;
}

function checkCredentials(o: Partial<PostgresOptions>, env: string[]): Credentials {
  for (const entry of env) {
    const key = entry.slice(0, entry.indexOf("="));
    const own = OWN_ENV[key as keyof typeof OWN_ENV];
    if (own) {
      const field = `env.${key}`;
      throw new InvalidArgumentError(`${field}: set by startPostgres; give options.${own} instead`, {
        field,
      });
    }
  }
  return {
    user: checkCredential("user", o.user),
    password: checkCredential("password", o.password),
    database: checkCredential("database", o.database),
  };
}

/**
 * Starts PostgreSQL (Debian's, from {@link postgresImage}) for a test, its port 5432 published on
 * a free host port: initdb makes `user` with `password` and `database`, and the server runs with
 * `fsync=off` (a test database need not survive a crash). Resolves once it has logged
 * {@link POSTGRES_READY_LOG} and its host port accepts connections. The image is built (its root
 * filesystem cached across runs) and imported into the client's namespace the first time.
 *
 * @throws InvalidArgumentError for bad options, naming the field, before anything is built or
 * made; then what `startService` throws.
 *
 * @example
 * ```ts
 * await using db = await startPostgres(client, { database: "app" });
 * const pgClient = new pg.Client({ connectionString: db.connectionString });
 * ```
 */
export async function startPostgres(client: Client, options?: PostgresOptions): Promise<PostgresService> {
  const { o, checked } = checkModuleOptions(options, POSTGRES_KEYS, "postgres");
  const credentials = checkCredentials(o, checked.env);
  checked.env = [
    ...checked.env,
    `POSTGRES_USER=${credentials.user}`,
    `POSTGRES_PASSWORD=${credentials.password}`,
    `POSTGRES_DB=${credentials.database}`,
  ];
  const service = await startModule(
    client,
    {
      kind: "postgres",
      build: postgresImage,
      containerPort: POSTGRES_PORT,
      wait: wait.all(wait.forLog(POSTGRES_READY_LOG), wait.forPort(POSTGRES_PORT)),
      args: ["-c", "fsync=off"],
    },
    checked,
  );
  return new PostgresService(service, credentials);
}
