import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { guard, unguard } from "./exit-guard.js";
import { freeLoopbackPort } from "./free-port.js";
import { debug } from "./log.js";

const run = promisify(execFile);

/** How {@link startRegistry} starts the registry. */
export interface StartRegistryOptions {
  /** Require HTTP basic auth with these credentials (htpasswd, bcrypt). */
  auth?: { username: string; password: string };
  /** Parent directory of the registry's temp dir. Default the OS temp dir. */
  parentDir?: string;
  /** The registry binary. Default `docker-registry` (Debian's reference registry). */
  binary?: string;
  /** Milliseconds to wait for it to serve. Default 15000. */
  startTimeout?: number;
}

const REGISTRY_KEYS = optionKeys<StartRegistryOptions>()(["auth", "parentDir", "binary", "startTimeout"]);

/** A registry serving on loopback over plain HTTP, with its storage in a temp dir. */
export interface RegistryInstance extends AsyncDisposable {
  /** `127.0.0.1:PORT`: the host part of image references (`127.0.0.1:PORT/repo:tag`). */
  readonly host: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The temp dir holding config, storage and htpasswd; removed by `stop()`. */
  readonly dir: string;
  /** The credentials it requires, if any. */
  readonly auth?: { username: string; password: string };
  /** Stops the registry and removes its dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's docker-registry (the reference registry) on a free loopback port, optionally
 * behind basic auth. Stop it with `stop()` (or `await using`); Node's exit kills it anyway.
 */
export async function startRegistry(options?: StartRegistryOptions): Promise<RegistryInstance> {
  options = optionsObject(options);
  checkOptionKeys(options, REGISTRY_KEYS);
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "registry-"));
  let child: ChildProcess | undefined;
  try {
    if (options.auth) {
      const { stdout } = await run("htpasswd", ["-Bbn", options.auth.username, options.auth.password]);
      await writeFile(join(dir, "htpasswd"), stdout);
    }
    for (let attempt = 0; ; attempt++) {
      const port = await freeLoopbackPort();
      const host = `127.0.0.1:${port}`;
      await writeFile(join(dir, "config.yml"), config(dir, host, options.auth !== undefined));
      child = spawn(options.binary ?? "docker-registry", ["serve", join(dir, "config.yml")], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      const started = child;
      if (started.pid !== undefined) guard(started.pid);
      let stderr = "";
      started.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      const exited = new Promise<number | null>((resolve) => started.once("exit", (code) => resolve(code)));
      started.once("error", () => {});
      const ok = await waitServing(`http://${host}/v2/`, exited, options.startTimeout ?? 15_000);
      if (ok) {
        debug("registry serving on %s (dir %s)", host, dir);
        return makeInstance(started, host, dir, options.auth);
      }
      if (started.pid !== undefined) unguard(started.pid);
      started.kill("SIGKILL");
      if (attempt < 2 && /address already in use/.test(stderr)) continue;
      throw new Error(
        `containerd-sdk/testing: docker-registry did not serve on ${host}: ${stderr.trim().slice(-500)}`,
      );
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function config(dir: string, host: string, auth: boolean): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
  ];
  if (auth)
    lines.push("auth:", "  htpasswd:", "    realm: basic-realm", `    path: ${join(dir, "htpasswd")}`);
  return `${lines.join("\n")}\n`;
}

async function waitServing(url: string, exited: Promise<number | null>, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function makeInstance(
  child: ChildProcess,
  host: string,
  dir: string,
  auth: { username: string; password: string } | undefined,
): RegistryInstance {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      if (child.pid !== undefined) unguard(child.pid);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return {
    host,
    url: `http://${host}`,
    dir,
    ...(auth ? { auth } : {}),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
