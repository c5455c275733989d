import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isAbortError } from "abort-controller-x";
import { InvalidArgumentError, NotFoundError } from "../../src/errors/index.js";
import type { ExitStatus } from "../../src/events/event.js";
import { firstStopSignal, type StopTarget, stopProcess } from "../../src/processes/stop.js";

/** A process that exits with `128 + signal` when sent one of `fatal`, recording every kill. */
function fakeProcess(fatal: number[], status?: ExitStatus) {
  const sent: Array<{ number: number; all: boolean }> = [];
  let exited: (s: ExitStatus) => void = () => {};
  const exit = new Promise<ExitStatus>((resolve) => {
    exited = resolve;
  });
  const target: StopTarget = {
    status,
    exit,
    async kill(number, all) {
      sent.push({ number, all });
      if (fatal.includes(number))
        setImmediate(() => exited({ exitCode: 128 + number, exitedAt: new Date() }));
    },
  };
  return { target, sent };
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe("stopping a process", () => {
  test("a process that exits on the first signal gets no SIGKILL, and no timer is left", async () => {
    const before = timers();
    const { target, sent } = fakeProcess([15]);
    const status = await stopProcess(target, 15, { timeout: 60_000, killAll: true });
    assert.equal(status.exitCode, 143);
    assert.deepEqual(sent, [{ number: 15, all: false }]);
    assert.equal(timers(), before);
  });

  test("a process that ignores the first signal gets SIGKILL (to every process of a task) after the timeout", async () => {
    const { target, sent } = fakeProcess([9]);
    const status = await stopProcess(target, 15, { timeout: 20, killAll: true });
    assert.equal(status.exitCode, 137);
    assert.deepEqual(sent, [
      { number: 15, all: false },
      { number: 9, all: true },
    ]);
  });

  test("a process that has exited resolves with its status and is sent nothing", async () => {
    const known = { exitCode: 4, exitedAt: new Date(1) };
    const { target, sent } = fakeProcess([], known);
    assert.equal(await stopProcess(target, 15, { timeout: 20, killAll: false }), known);
    assert.deepEqual(sent, []);
  });

  test("a NotFoundError from kill means the exit is on its way: the stop waits for it", async () => {
    const { target } = fakeProcess([]);
    let resolveExit: (s: ExitStatus) => void = () => {};
    const exit = new Promise<ExitStatus>((r) => {
      resolveExit = r;
    });
    const gone: StopTarget = {
      ...target,
      exit,
      async kill() {
        setImmediate(() => resolveExit({ exitCode: 0, exitedAt: new Date() }));
        throw new NotFoundError("process already finished");
      },
    };
    assert.equal((await stopProcess(gone, 15, { timeout: 60_000, killAll: false })).exitCode, 0);
  });

  test("aborting the signal rejects with an AbortError and clears the grace timer", async () => {
    const before = timers();
    const { target, sent } = fakeProcess([]);
    const controller = new AbortController();
    const stopping = stopProcess(target, 15, { timeout: 60_000, killAll: false, signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(stopping, (err) => isAbortError(err));
    assert.deepEqual(sent, [{ number: 15, all: false }]);
    assert.equal(timers(), before);
  });

  test("the first signal: killSignal, else the image's label, else SIGTERM; bad values name their field", () => {
    assert.equal(firstStopSignal("SIGINT", "SIGUSR1"), 2);
    assert.equal(firstStopSignal(undefined, "SIGUSR1"), 10);
    assert.equal(firstStopSignal(undefined, undefined), 15);
    assert.throws(
      () => firstStopSignal("SIGNOPE", undefined),
      (err) => err instanceof InvalidArgumentError && err.field === "killSignal",
    );
    assert.throws(
      () => firstStopSignal(undefined, "bogus"),
      (err) =>
        err instanceof InvalidArgumentError && err.field === "labels.io.containerd.image.config.stop-signal",
    );
  });
});
