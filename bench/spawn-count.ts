// Counts the child processes this process starts (the SDK's mkfifo, image-user lookups), by
// wrapping child_process's exports. It must be imported before the SDK: modules that keep
// `promisify(execFile)` from load time see the wrapper only if it was there first.
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";

let spawned = 0;

const wrap = <F extends (...args: never[]) => unknown>(fn: F): F =>
  function (this: unknown, ...args: Parameters<F>) {
    spawned++;
    return fn.apply(this, args);
  } as F;

// execFile's promisify.custom is what `promisify(execFile)` uses: wrap it too.
const execFile = childProcess.execFile;
const custom = (execFile as unknown as Record<symbol, unknown>)[Symbol.for("nodejs.util.promisify.custom")];
childProcess.execFile = Object.assign(wrap(execFile), execFile);
childProcess.spawn = wrap(childProcess.spawn);
childProcess.exec = wrap(childProcess.exec);
if (typeof custom === "function") {
  Object.defineProperty(childProcess.execFile, Symbol.for("nodejs.util.promisify.custom"), {
    value: wrap(custom as (...args: never[]) => unknown),
  });
}
syncBuiltinESMExports();

/** Child processes started by this process so far. */
export function spawnCount(): number {
  return spawned;
}
