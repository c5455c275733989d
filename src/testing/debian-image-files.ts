import { buffer } from "node:stream/consumers";
import { pack } from "tar-stream";

/**
 * @internal An uncompressed layer tar of `files` (absolute path → content), owned by root, mode
 * 0755 for scripts (content starting `#!`) and 0644 otherwise. Parent directories are left to the
 * layers below (the applier makes missing ones).
 */
export async function filesLayer(files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  const done = buffer(tar);
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const mode = content.startsWith("#!") ? 0o755 : 0o644;
    tar.entry({ name: path.replace(/^\/+/, ""), mode, uid: 0, gid: 0, mtime: new Date(0) }, content);
  }
  tar.finalize();
  return done;
}
