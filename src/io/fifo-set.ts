import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { IDENTIFIER_PATTERN } from "../base/identifiers.js";
import { invalid } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import { type FifoPool, mkfifos } from "./fifo-pool.js";
import { debug } from "./log.js";

// containerd's identifier characters keep the id a plain file name (no slash, no dot segment). The length
// allows an exec's `<container>-<exec>` and still fits NAME_MAX (255) with the `-XXXXXX`/`-stderr` suffix.
const MAX_ID_LENGTH = 240;

/**
 * Where per-process FIFO directories go: an absolute directory (made 0700 when missing), or the
 * client's pool, which makes FIFOs ahead under its own `fifoDir` and renames them into place.
 */
export type FifoPlace =
  | { fifoDir: string; fifoPool?: undefined }
  | { fifoPool: FifoPool; fifoDir?: undefined };

/** What {@link createFifoSet} makes, and where. */
export type FifoSetOptions = FifoPlace & {
  /** Names the directory and FIFOs: the container id, or e.g. `<container>-<exec>` for an exec. */
  id: string;
  /** Make `<id>-stdin`. */
  stdin: boolean;
  /** Make `<id>-stdout`. */
  stdout: boolean;
  /** Make `<id>-stderr`; ignored when `terminal` is set, because a pty merges stderr into stdout. */
  stderr: boolean;
  /** The process has a terminal. */
  terminal: boolean;
};

/** The directory of a {@link FifoPlace}. */
export function fifoDirOf(place: FifoPlace): string {
  return place.fifoPool ? place.fifoPool.fifoDir : place.fifoDir;
}

/** A per-process directory of FIFOs, as containerd's shim expects them. */
export interface FifoSet {
  /** The per-process directory; every FIFO lives in it. */
  readonly dir: string;
  /** Path of the stdin FIFO, or `""` when there is none. */
  readonly stdin: string;
  /** Path of the stdout FIFO, or `""` when there is none. */
  readonly stdout: string;
  /** Path of the stderr FIFO, or `""` when there is none (always with a terminal). */
  readonly stderr: string;
  /** The process has a terminal. */
  readonly terminal: boolean;
  /**
   * Removes the directory and its FIFOs. Idempotent; never rejects (a failure is logged); open
   * descriptors stay usable.
   */
  remove(): Promise<void>;
}

/**
 * Checks that `id` can name FIFOs: identifier characters, at most 240 of them.
 *
 * @throws InvalidArgumentError naming `id`.
 */
export function assertFifoId(id: string): void {
  if (typeof id !== "string" || id.length > MAX_ID_LENGTH || !IDENTIFIER_PATTERN.test(id)) {
    throw new InvalidArgumentError(
      `id ${JSON.stringify(id)} must match [A-Za-z0-9]+([._-][A-Za-z0-9]+)* and be at most ${MAX_ID_LENGTH} characters`,
      { field: "id" },
    );
  }
}

/**
 * Checks that `fifoDir` is an absolute path.
 *
 * @throws InvalidArgumentError naming `fifoDir`.
 */
export function assertFifoDir(fifoDir: string): void {
  if (typeof fifoDir !== "string" || !isAbsolute(fifoDir)) {
    throw invalid("fifoDir", fifoDir, "must be an absolute path");
  }
}

/**
 * Makes `mkdtemp(<fifoDir>/<id>-)` (mode 0700) holding the FIFOs asked for, each mode 0600. If making a
 * FIFO fails, the directory is removed before the error rejects.
 *
 * @throws InvalidArgumentError when `fifoDir` is not absolute or `id` is not an identifier.
 */
export async function createFifoSet(opts: FifoSetOptions): Promise<FifoSet> {
  const fifoDir = fifoDirOf(opts);
  assertFifoDir(fifoDir);
  assertFifoId(opts.id);
  await mkdir(fifoDir, { recursive: true, mode: 0o700 });
  // mkdtemp makes the directory 0700 itself; a random suffix lets the same id be reused (exec ids).
  const dir = await mkdtemp(join(fifoDir, `${opts.id}-`));
  const path = (want: boolean, name: string) => (want ? join(dir, `${opts.id}-${name}`) : "");
  const stdin = path(opts.stdin, "stdin");
  const stdout = path(opts.stdout, "stdout");
  const stderr = path(opts.stderr && !opts.terminal, "stderr");
  const remove = () =>
    rm(dir, { recursive: true, force: true }).catch((err: unknown) =>
      debug("removing %s failed: %s", dir, err),
    );
  const fifos = [stdin, stdout, stderr].filter((p) => p !== "");
  try {
    // Node has no mkfifo(2): pooled FIFOs spare a spawn; otherwise (or when the pool runs dry) one
    // process makes all of them.
    const missing = opts.fifoPool ? await opts.fifoPool.place(fifos) : fifos;
    await mkfifos(missing);
  } catch (err) {
    debug("mkfifo in %s failed: %s", dir, err);
    await remove();
    throw err;
  }
  debug("fifo set %s (stdin=%s stdout=%s stderr=%s)", dir, !!stdin, !!stdout, !!stderr);
  return { dir, stdin, stdout, stderr, terminal: opts.terminal, remove };
}
