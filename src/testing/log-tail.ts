import { open } from "node:fs/promises";

/** @internal The last `maxBytes` of a file, cut to whole lines; "" when unreadable. Errors quote it. */
export async function readTail(path: string, maxBytes = 4096): Promise<string> {
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(path, "r");
    const { size } = await file.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const text = buffer.toString("utf8");
    return length < size ? text.slice(text.indexOf("\n") + 1) : text;
  } catch {
    return "";
  } finally {
    await file?.close();
  }
}
