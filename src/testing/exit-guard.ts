const guarded = new Set<number>();

// Only the daemon: an "exit" handler must be synchronous, and shims need /proc scans and waits.
function killGuarded(): void {
  for (const pid of guarded) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * @internal Kills `pid` if Node exits before `unguard(pid)`, so a test run that forgot stop() does
 * not leave a daemon behind. One shared listener, installed only while something is guarded.
 */
export function guard(pid: number): void {
  if (guarded.size === 0) process.on("exit", killGuarded);
  guarded.add(pid);
}

/** @internal Undoes {@link guard}; removes the listener with the last pid. */
export function unguard(pid: number): void {
  if (!guarded.delete(pid)) return;
  if (guarded.size === 0) process.off("exit", killGuarded);
}
