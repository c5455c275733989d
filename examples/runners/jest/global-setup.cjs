// One redis for the whole run, shared by every test file. The workers that run the files start
// after this and inherit $REDIS_URL; the handle waits in globalThis for global-teardown.cjs.
const { Client } = require("containerd-sdk");
const { startRedis } = require("containerd-sdk/testing");

module.exports = async () => {
  const client = await Client.connect(); // $CONTAINERD_ADDRESS and $CONTAINERD_NAMESPACE, or containerd's defaults
  const redis = await startRedis(client, { name: "shared-redis" });
  await redis.exec(["redis-cli", "set", "started-by", "global-setup"]);
  process.env.REDIS_URL = redis.url;
  globalThis.sharedRedis = { client, redis };
};
