// Jest runs each test file in a worker process, several at once; global setup and teardown run
// once, in the main process, around them.
module.exports = {
  globalSetup: "./global-setup.cjs",
  globalTeardown: "./global-teardown.cjs",
  testTimeout: 30_000,
};
