import type { Client } from "../../client.js";
import { isNotFound } from "../../errors/index.js";
import { debug } from "../log.js";

/** @internal The full name of image `name` in the client's namespace, pulled first when missing. */
export async function ensureImage(client: Client, name: string, signal: AbortSignal): Promise<string> {
  try {
    return (await client.images.get(name, { signal })).name;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  debug("pulling %s", name);
  return (await client.images.pull(name, { signal })).name;
}
