// Like sessions.test.ts, as another file running at the same time: its own redis does not see
// the other file's, and both reach the shared one.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { Client } from "containerd-sdk";
import { type RedisService, startRedis } from "containerd-sdk/testing";

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

before(async () => {
  client = await Client.connect();
  own = await startRedis(client);
});

after(async () => {
  await own?.stop();
  await client?.close();
});

test("this file's redis is its own: empty at first", async () => {
  assert.equal(await redis(own.url, "DBSIZE"), ":0");
  assert.equal(await redis(own.url, "LPUSH", "jobs", "resize"), ":1");
  assert.equal(await redis(own.url, "RPOP", "jobs"), "$6\r\nresize");
});

test("the shared redis is the one global setup started", async () => {
  const shared = process.env.REDIS_URL as string;
  assert.equal(await redis(shared, "GET", "started-by"), "$12\r\nglobal-setup");
  assert.match(await redis(shared, "INCR", "visits"), /^:\d+$/);
});
