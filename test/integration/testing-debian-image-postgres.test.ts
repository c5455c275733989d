// The postgres image from Debian's packages: initdb on first start with the password, user and
// database from the environment, "ready to accept connections" logged once, reachable from the
// host through a published port with a password, and a fast shutdown on its SIGINT stop signal.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import type { Container } from "../../src/index.js";
import { type DebianImage, POSTGRES_READY_LOG, postgresImage } from "../../src/testing/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";
import { useLogDir } from "../logs-fixtures.js";

const d = useDaemon();
// After the daemon's: its teardown deletes the tasks first, so the loggers are gone when the logging daemon stops.
useLogDir("pg-logs-");
const IMAGE = "csdk/postgres:test";

/** Follows the container's logs until `pattern` shows; resolves with every line seen up to then. */
async function untilLogged(container: Container, pattern: RegExp): Promise<string> {
  let seen = "";
  for await (const { data } of container.logs({ follow: true, signal: AbortSignal.timeout(120_000) })) {
    seen += data.toString();
    if (pattern.test(seen)) return seen;
  }
  assert.fail(`the task ended before logging ${pattern}:\n${seen}`);
}

describe("a postgres image from Debian's packages", () => {
  let image: DebianImage;
  let host: string;

  before(async () => {
    host = await mkdtemp(join(tmpdir(), "debian-image-"));
    image = await postgresImage();
    const file = join(host, "postgres.tar");
    await image.writeOciArchive(file, IMAGE);
    await d.client.images.import(file);
    await d.client.networks.create("pgnet");
  });
  after(async () => {
    await image?.remove();
    await rm(host, { recursive: true, force: true });
  });

  test("initdb with the given password, ready once, SELECT 1 from the host, SIGINT stops it", async () => {
    const container = await d.client.containers.create(uniqueId("pg"), {
      image: IMAGE,
      env: ["POSTGRES_PASSWORD=s3cret", "POSTGRES_USER=app", "POSTGRES_DB=appdb"],
      network: { name: "pgnet", ports: [{ containerPort: 5432 }] },
    });
    d.defer(() => container.delete({ force: true }).catch(() => {}));
    const task = await container.newTask({ log: true });
    await task.start();
    const seen = await untilLogged(container, POSTGRES_READY_LOG);
    assert.equal(seen.match(/ready to accept connections/g)?.length, 1, "no temporary server ran");

    const port = task.hostPort(5432) as number;
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: "app",
      password: "s3cret",
      database: "appdb",
    });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT 1 AS one, current_user AS who");
      assert.deepEqual(rows, [{ one: 1, who: "app" }]);
    } finally {
      await client.end();
    }
    const wrong = new pg.Client({
      host: "127.0.0.1",
      port,
      user: "app",
      password: "nope",
      database: "appdb",
    });
    await assert.rejects(wrong.connect(), /password authentication failed/);
    await wrong.end().catch(() => {});

    const { stdout } = await task.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"]);
    assert.match(stdout, /accepting connections/);
    const status = await task.stop({ timeout: 20_000 });
    assert.equal(status.exitCode, 0, "SIGINT: a fast shutdown");
  });
});
