// Like sessions.test.cjs, as another file running at the same time: its own redis does not see
// the other file's, and both reach the shared one.
const { once } = require("node:events");
const { connect } = require("node:net");
const { Client } = require("containerd-sdk");
const { startRedis } = require("containerd-sdk/testing");

/** One redis command over a plain socket: your code would use a redis client with the url. */
async function redis(url, ...args) {
  const socket = connect(Number(new URL(url).port), "127.0.0.1");
  socket.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`);
  const [reply] = await once(socket, "data");
  socket.destroy();
  return String(reply).trim();
}

let client;
let own;

beforeAll(async () => {
  client = await Client.connect();
  own = await startRedis(client);
}, 60_000); // the first start in a namespace imports the image

afterAll(async () => {
  await own?.stop();
  await client?.close();
});

test("this file's redis is its own: empty at first", async () => {
  expect(await redis(own.url, "DBSIZE")).toBe(":0");
  expect(await redis(own.url, "LPUSH", "jobs", "resize")).toBe(":1");
  expect(await redis(own.url, "RPOP", "jobs")).toBe("$6\r\nresize");
});

test("the shared redis is the one global setup started", async () => {
  const shared = process.env.REDIS_URL;
  expect(await redis(shared, "GET", "started-by")).toBe("$12\r\nglobal-setup");
  expect(await redis(shared, "INCR", "visits")).toMatch(/^:\d+$/);
});
