import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";

const run = promisify(execFile);

/** What {@link BuiltImage.push} takes. */
export interface PushBuiltImageOptions {
  /** Registry credentials, sent as skopeo's `--dest-creds`. */
  auth?: { username: string; password: string };
}

const PUSH_KEYS = optionKeys<PushBuiltImageOptions>()(["auth"]);

/** An OCI image layout on disk in a temp dir of its own; copy it anywhere with skopeo. */
export interface BuiltImage extends AsyncDisposable {
  /** The OCI layout directory. */
  readonly layout: string;
  /** Its tag in the layout. */
  readonly tag: string;
  /** skopeo's name for it: `oci:<layout>:<tag>`. */
  readonly source: string;
  /** Pushes it to `destination` (`127.0.0.1:PORT/repo:tag`) over plain HTTP with skopeo. */
  push(destination: string, options?: PushBuiltImageOptions): Promise<void>;
  /** Writes an OCI layout tar (skopeo `oci-archive`) naming the image `refName` (default its tag). */
  writeOciArchive(file: string, refName?: string): Promise<void>;
  /** Writes a `docker save` tar (skopeo `docker-archive`) tagged `repoTag` (e.g. `busybox:latest`). */
  writeDockerArchive(file: string, repoTag: string): Promise<void>;
  /** Removes the layout's temp dir. */
  remove(): Promise<void>;
}

/** @internal The handle on the OCI layout `layout` tagged `tag`; remove() deletes `dir`, its temp dir. */
export function builtImage(dir: string, layout: string, tag: string): BuiltImage {
  const source = `oci:${layout}:${tag}`;
  const remove = () => rm(dir, { recursive: true, force: true });
  return {
    layout,
    tag,
    source,
    push: async (destination, pushOptions) => {
      pushOptions = optionsObject(pushOptions);
      checkOptionKeys(pushOptions, PUSH_KEYS);
      const args = ["copy", "--quiet", "--dest-tls-verify=false"];
      if (pushOptions.auth)
        args.push("--dest-creds", `${pushOptions.auth.username}:${pushOptions.auth.password}`);
      await skopeo([...args, source, `docker://${destination}`]);
    },
    writeOciArchive: (file, refName = tag) =>
      skopeo(["copy", "--quiet", source, `oci-archive:${file}:${refName}`]),
    writeDockerArchive: (file, repoTag) =>
      skopeo(["copy", "--quiet", source, `docker-archive:${file}:${repoTag}`]),
    remove,
    [Symbol.asyncDispose]: remove,
  };
}

async function skopeo(args: string[]): Promise<void> {
  await tool("skopeo", args, "apt-get install -y skopeo");
}

/**
 * @internal Runs the command-line tool `name`: missing, an error saying how to install it (`hint`);
 * failing, an error with its stderr. Resolves with its stderr.
 */
export async function tool(
  name: string,
  args: string[],
  hint: string,
  signal?: AbortSignal,
): Promise<string> {
  try {
    const { stderr } = await run(name, args, { maxBuffer: 16 << 20, signal });
    return stderr;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.name === "AbortError") throw err;
    if (e.code === "ENOENT") throw new Error(`containerd-sdk/testing: ${name} not found; ${hint}`);
    throw new ToolError(name, args, (e.stderr ?? e.message).trim());
  }
}

/** @internal A tool that ran and failed; `stderr` is what it said. */
export class ToolError extends Error {
  constructor(
    name: string,
    args: string[],
    readonly stderr: string,
  ) {
    super(`containerd-sdk/testing: ${name} ${args.join(" ")} failed: ${stderr}`);
    this.name = "ToolError";
  }
}
