// One redis for the whole run, shared by every test file: started before the first file, stopped
// (by the function returned) after the last. The files read its url with inject("redisUrl").
import { Client } from "containerd-sdk";
import { startRedis } from "containerd-sdk/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const client = await Client.connect(); // $CONTAINERD_ADDRESS and $CONTAINERD_NAMESPACE, or containerd's defaults
  const redis = await startRedis(client, { name: "shared-redis" });
  await redis.exec(["redis-cli", "set", "started-by", "global-setup"]);
  project.provide("redisUrl", redis.url);
  return async () => {
    await redis.stop();
    await client.close();
  };
}
