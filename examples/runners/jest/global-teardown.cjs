// Stops the redis global-setup.cjs started, once every test file has run.
module.exports = async () => {
  const { client, redis } = globalThis.sharedRedis ?? {};
  await redis?.stop();
  await client?.close();
};
