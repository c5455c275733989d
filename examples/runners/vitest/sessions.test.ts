// A redis of this file's own, started before its tests and removed after them, beside the run's
// shared one (global-setup.ts). Other files run at the same time, each with its own redis.
import { once } from "node:events";
import { connect } from "node:net";
import { Client } from "containerd-sdk";
import { type RedisService, startRedis } from "containerd-sdk/testing";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

/** One redis command over a plain socket: your code would use a redis client with the url. */
async function redis(url: string, ...args: string[]): Promise<string> {
  const socket = connect(Number(new URL(url).port), "127.0.0.1");
  socket.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`);
  const [reply] = await once(socket, "data");
  socket.destroy();
  return String(reply).trim();
}

let client: Client;
let own: RedisService;

beforeAll(async () => {
  client = await Client.connect();
  own = await startRedis(client);
});

afterAll(async () => {
  await own?.stop();
  await client?.close();
});

test("this file's redis is its own: empty at first", async () => {
  expect(await redis(own.url, "DBSIZE")).toBe(":0");
  expect(await redis(own.url, "SET", "session:1", "alice")).toBe("+OK");
  expect(await redis(own.url, "GET", "session:1")).toBe("$5\r\nalice");
});

test("the shared redis is the one global setup started", async () => {
  const shared = inject("redisUrl");
  expect(await redis(shared, "GET", "started-by")).toBe("$12\r\nglobal-setup");
  expect(await redis(shared, "INCR", "visits")).toMatch(/^:\d+$/);
});
