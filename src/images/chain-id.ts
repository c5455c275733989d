import { sha256Digest } from "./descriptor.js";

/**
 * Chain IDs of a layer stack from its diff IDs (image-spec identity): the first is the first diff
 * ID; each next is `sha256(previous + " " + diffID)`. The last names the image's top snapshot.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const prev = out.at(-1);
    out.push(prev === undefined ? diffId : sha256Digest(`${prev} ${diffId}`));
  }
  return out;
}
