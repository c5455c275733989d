// The toolkit's ready-made modules on a private daemon: startRedis and startPostgres build their
// Debian images (root filesystems from the shared cache, minutes when cold), import them into the
// namespace once, start them ready for a client on the host, and leave nothing at disposal.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createConnection } from "node:net";
import { describe, test } from "node:test";
import pg from "pg";
import { startPostgres, startRedis } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";
import { leftoversOf } from "../service-fixtures.js";

/** A cold image build runs mmdebstrap for minutes; another run may hold the cache's lock meanwhile. */
const COLD = { timeout: 20 * 60_000 };

/** Sends one RESP command to redis at `url` over a plain socket; resolves with the reply's first line. */
async function redisCommand(url: string, ...args: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = createConnection({ host: hostname, port: Number(port) });
  try {
    await once(socket, "connect");
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
    const [data] = (await once(socket, "data")) as [Buffer];
    return data.toString().split("\r\n")[0] ?? "";
  } finally {
    socket.destroy();
  }
}

/** Runs `sql` on a fresh pg connection; resolves with its rows. */
async function query(connectionString: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("testing: ready-made modules", () => {
  const d = useDaemon();

  test(
    "startRedis answers PING over a plain socket from the host; disposal leaves nothing",
    COLD,
    async () => {
      let id: string;
      {
        await using redis = await startRedis(d.client);
        id = redis.id;
        assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(redis.url, `redis://${redis.host}:${redis.hostPort}`);
        assert.equal(await redisCommand(redis.url, "PING"), "+PONG");
        assert.equal((await redis.exec(["redis-cli", "ping"])).stdout.trim(), "PONG");
      }
      assert.deepEqual(await leftoversOf(d, id), []);
    },
  );

  test(
    "startPostgres answers select 1 with pg as the given user; disposal leaves nothing",
    COLD,
    async () => {
      let id: string;
      {
        await using db = await startPostgres(d.client, {
          user: "app",
          password: "p@ss word/1",
          database: "appdb",
        });
        id = db.id;
        assert.deepEqual([db.user, db.password, db.database], ["app", "p@ss word/1", "appdb"]);
        assert.equal(db.connectionString, `postgres://app:p%40ss%20word%2F1@127.0.0.1:${db.hostPort}/appdb`);
        const rows = await query(
          db.connectionString,
          "select 1 as one, current_user as who, current_database() as db",
        );
        assert.deepEqual(rows, [{ one: 1, who: "app", db: "appdb" }]);
      }
      assert.deepEqual(await leftoversOf(d, id), []);
    },
  );

  test("two modules started at once in a namespace without their image both start", COLD, async () => {
    const fresh = d.client.withNamespace(`race-${process.pid}`);
    const [a, b] = await Promise.all([startRedis(fresh, { name: "a" }), startRedis(fresh, { name: "b" })]);
    try {
      assert.notEqual(a.hostPort, b.hostPort);
      assert.deepEqual(await Promise.all([redisCommand(a.url, "PING"), redisCommand(b.url, "PING")]), [
        "+PONG",
        "+PONG",
      ]);
      assert.equal((await fresh.images.list()).length, 1, "one image, imported once");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    assert.deepEqual(await fresh.containers.list(), []);
  });

  test(
    "reuse hands back the running redis, with the same url; disposal leaves it running",
    COLD,
    async () => {
      const first = await startRedis(d.client, { name: "kept", reuse: true });
      try {
        const again = await startRedis(d.client, { name: "kept", reuse: true });
        assert.deepEqual([first.reused, again.reused], [false, true]);
        assert.equal(again.url, first.url);
        await again.stop();
        assert.equal(await redisCommand(first.url, "PING"), "+PONG", "still running");
      } finally {
        await first.service.container.delete({ force: true });
        await d.client.networks.delete("csdk-reuse");
      }
    },
  );

  test("env and labels reach the container; the module's name prefixes its id", COLD, async () => {
    await using redis = await startRedis(d.client, {
      name: "cache",
      env: { MODULE_TEST: "yes" },
      labels: { team: "a" },
    });
    assert.match(redis.id, /^cache-/);
    assert.equal((await redis.exec(["sh", "-c", "echo $MODULE_TEST"])).stdout.trim(), "yes");
    assert.equal((await redis.service.container.info()).labels.team, "a");
  });
});
