// One redis for the whole run, shared by every test file: node:test's global setup (Node 24 or
// newer) starts it before the first file and stops it after the last. Run from this directory:
//   node --test --test-global-setup=global-setup.ts
// The test files run in child processes; they find the shared redis by $REDIS_URL, which they
// inherit from this process.
import { Client } from "containerd-sdk";
import { type RedisService, startRedis } from "containerd-sdk/testing";

let client: Client | undefined;
let redis: RedisService | undefined;

export async function globalSetup(): Promise<void> {
  client = await Client.connect(); // $CONTAINERD_ADDRESS and $CONTAINERD_NAMESPACE, or containerd's defaults
  redis = await startRedis(client, { name: "shared-redis" });
  await redis.exec(["redis-cli", "set", "started-by", "global-setup"]);
  process.env.REDIS_URL = redis.url;
}

export async function globalTeardown(): Promise<void> {
  await redis?.stop();
  await client?.close();
}
