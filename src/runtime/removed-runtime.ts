import { ContainerdError, NotImplementedError } from "../errors/index.js";

/**
 * Runtimes containerd 2.0 removed, with what replaces them. 2.x has no `io.containerd.runtime.v1.linux`
 * plugin and no longer ships `containerd-shim-runc-v1`, so it looks for a shim binary that is not there.
 */
const REMOVED: ReadonlyMap<string, string> = new Map([
  ["io.containerd.runtime.v1.linux", "io.containerd.runc.v2"],
  ["io.containerd.runc.v1", "io.containerd.runc.v2"],
]);

// containerd's runtime/v2 manager: `runtime "<name>" binary not installed "<shim>"`.
const NOT_INSTALLED = /runtime "([^"]+)" binary not installed/;

/**
 * @internal Tasks.Create's failure for a runtime containerd 2.x removed, as a NotImplementedError
 * that names the replacement (containerd itself answers UNKNOWN "binary not installed"); any
 * other error unchanged. 1.6 and 1.7 still run these runtimes.
 */
export function explainRemovedRuntime(err: unknown, runtime: string): unknown {
  if (!(err instanceof ContainerdError) || err.code !== "UNKNOWN") return err;
  const named = NOT_INSTALLED.exec(err.message)?.[1];
  const replacement = named === runtime ? REMOVED.get(runtime) : undefined;
  if (!replacement) return err;
  return new NotImplementedError(
    `runtime ${runtime} is not available on this containerd (containerd 2.0 removed it); use ${replacement}`,
    { cause: err, method: err.method, address: err.address },
  );
}
