import { rmdir, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { assertFifoDir, assertFifoId, createFifoSet, type FifoPlace, fifoDirOf } from "./fifo-set.js";
import { type FifoEnd, openFifoReader, openFifoWriter } from "./fifo-socket.js";
import { debug } from "./log.js";
import { ProcessIO, type ProcessIOConfig, type ProcessIOParts } from "./process-io.js";
import { planNeedsFifos, refuseRemoteFifos } from "./remote.js";
import { type InputPlan, type OutputPlan, planStdio, type StdioSpec } from "./stdio-options.js";

/**
 * Options of {@link openStdio}: the spec, and where the FIFOs go (`fifoDir`, e.g.
 * `/run/containerd/fifo`, or the client's `fifoPool`, which spares a `mkfifo` spawn per process).
 */
export type OpenStdioOptions = StdioSpec &
  FifoPlace & {
    /** Names the FIFO directory and FIFOs: the container id, or e.g. `<container>-<exec>` for an exec. */
    id: string;
    /** The client reaches containerd over TCP: stdio needing FIFOs is an InvalidArgumentError. */
    remote?: boolean;
  };

/** Options of {@link attachStdio}. */
export interface AttachStdioOptions extends Omit<StdioSpec, "terminal" | "logPath" | "logBinary"> {
  /**
   * The process's stdio as containerd reports it (Tasks.Get / Tasks.ListPids: `stdin`, `stdout`,
   * `stderr`, `terminal`). Empty strings and `file://`/`binary://` URIs have nothing to attach to.
   */
  config: ProcessIOConfig;
  /**
   * Remove the FIFOs (and their directory, once empty) on `close()`: for a caller taking over a
   * process whose original client is gone. Defaults to false: the FIFOs belong to whoever made them.
   */
  removeOnClose?: boolean;
}

/** IO with no FIFO: empty strings or log URIs, no streams, nothing to close. */
function nullIO(config: ProcessIOConfig): ProcessIO {
  return new ProcessIO({ config, stdin: null, stdout: null, stderr: null });
}

/** Opens every FIFO in `paths` that is not `""`, closing whatever was opened if one of them fails. */
function openEnds(
  paths: { stdin: string; stdout: string; stderr: string },
  plan: { stdin: InputPlan; stdout: OutputPlan; stderr: OutputPlan },
): Pick<ProcessIOParts, "stdin" | "stdout" | "stderr"> {
  let stdin: FifoEnd | undefined;
  let stdout: FifoEnd | undefined;
  let stderr: FifoEnd | undefined;
  try {
    if (paths.stdin) stdin = openFifoWriter(paths.stdin, "stdin");
    if (paths.stdout) stdout = openFifoReader(paths.stdout, "stdout");
    if (paths.stderr) stderr = openFifoReader(paths.stderr, "stderr");
  } catch (err) {
    stdin?.destroy();
    stdout?.destroy();
    stderr?.destroy();
    throw err;
  }
  return {
    stdin: stdin ? { plan: plan.stdin, end: stdin } : null,
    stdout: stdout ? { plan: plan.stdout, end: stdout } : null,
    stderr: stderr ? { plan: plan.stderr, end: stderr } : null,
  };
}

/**
 * Prepares a new process's stdio: validates the spec, makes the FIFOs it needs in a fresh directory
 * under `fifoDir` and opens our ends without blocking. `"ignore"` gives null IO and no directory;
 * `logPath`/`logBinary` give their URI and no FIFOs. If anything fails, what was made is removed
 * before the error rejects.
 *
 * Around the RPCs: send `io.config` in Tasks.Create / Tasks.Exec; call `io.attached()` after Create
 * succeeded (init) or after Start succeeded (exec); on `io.stdinClosed`, if `io.config.stdin` is not
 * empty and the process still exists, send Tasks.CloseIO; after Tasks.Delete (or when a create, exec
 * or start failed) call `io.close()`.
 *
 * @throws InvalidArgumentError naming the field (`fifoDir`, `id`, `stdio`, `stdio.stderr`, `logPath`,
 * `logBinary`…) before anything is created.
 */
export async function openStdio(opts: OpenStdioOptions): Promise<ProcessIO> {
  const plan = planStdio(opts);
  if (opts.remote && planNeedsFifos(plan)) refuseRemoteFifos("this stdio");
  assertFifoDir(fifoDirOf(opts));
  assertFifoId(opts.id);
  const { terminal } = plan;
  if (plan.logUri !== undefined) {
    return nullIO({ stdin: "", stdout: plan.logUri, stderr: plan.logUri, terminal });
  }
  const stdin = plan.stdin.kind !== "none";
  if (!stdin && plan.stdout.kind === "none" && plan.stderr.kind === "none") {
    return nullIO({ stdin: "", stdout: "", stderr: "", terminal });
  }
  // containerd 1.6's shim opens stdout and stderr whenever either is set (and stdout for a terminal
  // even with only stdin): an empty path fails Tasks.Create. So both exist and an unwanted one is
  // read and discarded.
  const want = { stdin, stdout: true, stderr: !terminal };
  const place: FifoPlace = opts.fifoPool ? { fifoPool: opts.fifoPool } : { fifoDir: opts.fifoDir };
  const set = await createFifoSet({ ...place, id: opts.id, terminal, ...want });
  let ends: ReturnType<typeof openEnds>;
  try {
    ends = openEnds(set, plan);
  } catch (err) {
    debug("opening FIFOs in %s failed: %s", set.dir, err);
    await set.remove();
    throw err;
  }
  const config = { stdin: set.stdin, stdout: set.stdout, stderr: set.stderr, terminal };
  return new ProcessIO({ config, ...ends, remove: set.remove });
}

// containerd's shim treats a path without a scheme as a FIFO; file:// and binary:// are log URIs.
function fifoPath(value: string): string {
  return value !== "" && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) ? value : "";
}

/**
 * Re-attaches to an existing process's FIFOs (the paths containerd reports for it): opens them as
 * {@link openStdio} does, without making or, unless `removeOnClose`, removing anything. Streams the
 * process has no FIFO for come back null. Call `attached()` at once when the process is running (its
 * shim already holds the FIFOs). Another reader still attached to the same FIFOs would share the output.
 *
 * @throws InvalidArgumentError for a bad `stdio` or a path that is not a FIFO; the `open(2)` error
 * (ENOENT when the FIFOs were removed) otherwise.
 */
export async function attachStdio(opts: AttachStdioOptions): Promise<ProcessIO> {
  const { config } = opts;
  const plan = planStdio({ stdio: opts.stdio, terminal: config.terminal });
  const paths = {
    stdin: fifoPath(config.stdin),
    stdout: fifoPath(config.stdout),
    stderr: config.terminal ? "" : fifoPath(config.stderr),
  };
  const ends = openEnds(
    {
      stdin: plan.stdin.kind === "none" ? "" : paths.stdin,
      stdout: plan.stdout.kind === "none" ? "" : paths.stdout,
      stderr: plan.stderr.kind === "none" ? "" : paths.stderr,
    },
    plan,
  );
  const fifos = [paths.stdin, paths.stdout, paths.stderr].filter((p) => p !== "");
  const remove =
    opts.removeOnClose === true && fifos.length > 0
      ? async () => {
          // Only what containerd named, then the directory if that emptied it: never a recursive rm
          // of a directory we did not make.
          await Promise.all(fifos.map((p) => unlink(p).catch(() => undefined)));
          for (const dir of new Set(fifos.map((p) => dirname(p)))) {
            await rmdir(dir).catch(() => undefined);
          }
        }
      : undefined;
  return new ProcessIO({ config: { ...config }, ...ends, remove });
}
