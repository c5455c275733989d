// The ready-made modules' option checks: bad input is an InvalidArgumentError naming the field,
// thrown before the client is touched (the stand-in client here throws on any use).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Client } from "../../src/index.js";
import { InvalidArgumentError } from "../../src/index.js";
import { startPostgres, startRedis } from "../../src/testing/index.js";

/** A client whose every property access fails the test: nothing may reach containerd. */
const untouchable = new Proxy({} as Client, {
  get(_target, key) {
    throw new Error(`the client was used (${String(key)}) before the options were checked`);
  },
});

async function rejectsNaming(promise: Promise<unknown>, field: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(err.field, field);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe("testing: module options", () => {
  test("startRedis names the bad field: unknown option, name, env, labels, startupTimeout, reuse, signal", async () => {
    await rejectsNaming(startRedis(untouchable, { port: 1 } as never), "options.port", /unknown option/);
    await rejectsNaming(startRedis(untouchable, { name: "no spaces" }), "name");
    await rejectsNaming(startRedis(untouchable, { env: ["NOEQUALS"] }), "env[0]");
    await rejectsNaming(startRedis(untouchable, { env: { A: 1 } as never }), "env.A");
    await rejectsNaming(startRedis(untouchable, { labels: { a: 1 } as never }), "labels.a");
    await rejectsNaming(startRedis(untouchable, { startupTimeout: 0 }), "startupTimeout");
    await rejectsNaming(startRedis(untouchable, { reuse: "yes" as never }), "reuse");
    await rejectsNaming(startRedis(untouchable, { signal: {} as never }), "signal");
    await rejectsNaming(startRedis(untouchable, 5 as never), "options");
  });

  test("startPostgres names a bad user, password or database without quoting it", async () => {
    await rejectsNaming(startPostgres(untouchable, { user: "" }), "user");
    await rejectsNaming(startPostgres(untouchable, { database: 7 as never }), "database");
    await assert.rejects(startPostgres(untouchable, { password: "se\ncret" }), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "password");
      assert.doesNotMatch(err.message, /se.?cret/);
      return true;
    });
  });

  test("startPostgres refuses POSTGRES_USER, _PASSWORD and _DB in env: its options set them", async () => {
    await rejectsNaming(
      startPostgres(untouchable, { env: { POSTGRES_PASSWORD: "x" } }),
      "env.POSTGRES_PASSWORD",
      /options\.password/,
    );
    await rejectsNaming(startPostgres(untouchable, { env: ["POSTGRES_DB=x"] }), "env.POSTGRES_DB");
    await rejectsNaming(startPostgres(untouchable, { env: { POSTGRES_USER: "x" } }), "env.POSTGRES_USER");
  });

  test("an aborted signal rejects with its AbortError before anything is built", async () => {
    const signal = AbortSignal.abort();
    await assert.rejects(startRedis(untouchable, { signal }), { name: "AbortError" });
  });
});
