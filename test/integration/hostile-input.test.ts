// Property-based: every public method, called with generated hostile arguments, either works or
// fails with a typed error (a ContainerdError, or the platform's AbortError for an aborted signal).
// A TypeError from inside the SDK, or a call that never settles, fails the property.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { Client, type Container, ContainerdError, isAbortError, Process, Task } from "../../src/index.js";
import { uniqueId, useDaemon } from "../fixtures.js";

const RUNS = 60;
// Fixed by default so a CI run is reproducible; FUZZ_SEED=<n> (or "random") explores further.
const SEED = process.env.FUZZ_SEED === "random" ? Date.now() : Number(process.env.FUZZ_SEED ?? 20_261_123);
const HANG_MS = 60_000;

/** Arguments a careless or hostile caller might pass: wrong types, odd strings, huge numbers, cycles. */
const hostile = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withTypedArray: true }),
  fc.constantFrom(null, undefined, "", "a/b", "../..", "-1", "SIGNOPE", "\0", "x".repeat(20_000)),
  fc.constantFrom(Number.NaN, -1, 0, 1.5, 2 ** 53, Number.POSITIVE_INFINITY, -0),
  fc.record(
    {
      signal: fc.constantFrom(undefined, "abort", 1, {}),
      timeout: fc.constantFrom(undefined, -5, Number.NaN, "1", 1e12),
      rootfs: fc.constantFrom(undefined, "relative", "/", 7, ["x"], [{ type: 3 }]),
      args: fc.constantFrom(undefined, "sh", [], [1, 2], [""], null),
      env: fc.constantFrom(undefined, "A=1", ["noequals"], { A: 1 }, null),
      stdio: fc.constantFrom(undefined, "pipe", "bogus", 5, {}, { stdout: "x" }, null),
      resources: fc.constantFrom(undefined, { memory: -1 }, { cpus: "x" }, null, 5),
      labels: fc.constantFrom(undefined, { "": "x" }, { a: 5 }, "x", null),
      filters: fc.constantFrom(undefined, ["=="], "x", [5], ['topic~="("']),
      user: fc.constantFrom(undefined, "-1", "a:b:c", 5, {}),
      logPath: fc.constantFrom(undefined, "relative.log", 5, ""),
    },
    { requiredKeys: [] },
  ),
);

/** Settles `call()` and says what it did; a synchronous throw counts as a rejection. */
async function outcome(
  call: () => unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; err: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return { ok: true, value: await Promise.race([Promise.resolve().then(call), hang]) };
  } catch (err) {
    return { ok: false, err };
  } finally {
    clearTimeout(timer);
  }
}

function assertTyped(what: string, args: unknown[], result: Awaited<ReturnType<typeof outcome>>): void {
  if (result.ok) return;
  const { err } = result;
  if (err instanceof ContainerdError || isAbortError(err)) return;
  assert.fail(`${what}(${fc.stringify(args)}) failed with an untyped error: ${(err as Error)?.stack ?? err}`);
}

/** Cleans up what an accidentally valid call made, so the next run starts from the same state. */
async function discard(value: unknown): Promise<void> {
  if (value instanceof Task || value instanceof Process) await value.delete({ force: true }).catch(() => {});
  else if (value && typeof value === "object" && "delete" in value && "newTask" in value) {
    await (value as Container).delete().catch(() => {});
  }
}

describe("hostile input", () => {
  const d = useDaemon();

  async function property(what: string, arity: number, call: (...args: unknown[]) => unknown) {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 0, maxLength: arity }), async (args) => {
        const result = await outcome(() => call(...args));
        assertTyped(what, args, result);
        if (result.ok) await discard(result.value);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }

  async function runningTask(): Promise<{ container: Container; task: Task }> {
    const container = await d.client.containers.create(uniqueId("fuzz"), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "600"],
    });
    const task = await container.newTask({ stdio: "ignore" });
    await task.start();
    d.defer(async () => {
      await task.delete({ force: true }).catch(() => {});
      await container.delete().catch(() => {});
    });
    return { container, task };
  }

  test("Client.connect and the client's own methods take only typed errors", async () => {
    await property("Client.connect", 1, (options) =>
      Client.connect({
        ...(typeof options === "object" ? options : {}),
        address: typeof options === "string" ? options : `/nonexistent/${uniqueId()}.sock`,
        timeout: 200,
      }).then((c) => c.close()),
    );
    await property("client.withNamespace", 1, (ns) => d.client.withNamespace(ns as string));
    await property("client.version", 1, (o) => d.client.version(o as never));
    await property("client.run", 1, (o) => d.client.run(o as never));
  });

  test("containers and namespaces take only typed errors", async () => {
    const { containers, namespaces } = d.client;
    await property("containers.create", 2, (id, o) => containers.create(id as string, o as never));
    await property("containers.load", 2, (id, o) => containers.load(id as string, o as never));
    await property("containers.list", 1, (o) => containers.list(o as never));
    await property("namespaces.get", 2, (n, o) => namespaces.get(n as string, o as never));
    await property("namespaces.create", 2, (n, o) =>
      namespaces.create(n as string, o as never).then(() => namespaces.delete(n as string)),
    );
    await property("namespaces.setLabels", 3, (n, l, o) =>
      namespaces.setLabels(n as string, l as never, o as never),
    );
  });

  test("a container's methods take only typed errors", async () => {
    const { container } = await runningTask();
    await property("container.info", 1, (o) => container.info(o as never));
    await property("container.setLabels", 2, (l, o) => container.setLabels(l as never, o as never));
    await property("container.update", 1, (o) => container.update(o as never));
    await property("container.task", 1, (o) => container.task(o as never).then((t) => t.detach()));
    await property("container.newTask", 1, (o) => container.newTask(o as never));
    await property("container.delete", 1, (o) => container.delete(o as never));
  });

  test("a task's methods take only typed errors", async () => {
    const { task } = await runningTask();
    await property("task.kill", 2, (s, o) => task.kill(s as never, o as never));
    await property("task.resize", 3, (c, r, o) => task.resize(c as number, r as number, o as never));
    await property("task.update", 1, (o) => task.update(o as never));
    await property("task.status", 1, (o) => task.status(o as never));
    await property("task.pids", 1, (o) => task.pids(o as never));
    await property("task.closeStdin", 1, (o) => task.closeStdin(o as never));
    await property("task.exec", 2, (id, o) => task.exec(id as string, o as never));
    await property("task.run", 2, (a, o) => task.run(a as never, o as never));
  });

  test("waits and event subscriptions take only typed errors", async () => {
    const exited = await d.client.containers.create(uniqueId("fuzz"), {
      rootfs: d.rootfs,
      args: ["/bin/true"],
    });
    const task = await exited.newTask({ stdio: "ignore" });
    await task.start();
    await task.wait();
    d.defer(async () => {
      await task.delete().catch(() => {});
      await exited.delete().catch(() => {});
    });
    await property("task.wait", 1, (o) => task.wait(o as never));
    await property("events.subscribe", 1, async (o) => {
      // A stream legitimately waits for events: what matters is how it starts.
      const options = typeof o === "object" && o !== null ? { ...o, signal: AbortSignal.timeout(100) } : o;
      const first = d.client.events
        .subscribe(options as never)
        [Symbol.asyncIterator]()
        .next();
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 150))]);
    });
  });

  test("images, content, leases and snapshots take only typed errors", async () => {
    const { images, content, leases } = d.client;
    // Nothing here may reach past loopback: a reference that parses goes to a closed local port.
    const local = (ref: unknown) => (typeof ref === "string" ? `127.0.0.1:1/${ref}` : ref);
    await property("images.get", 2, (n, o) => images.get(n as string, o as never));
    await property("images.list", 1, (o) => images.list(o as never));
    await property("images.tag", 3, (a, b, o) => images.tag(a as string, b as string, o as never));
    await property("images.delete", 2, (n, o) => images.delete(n as string, o as never));
    await property("images.import", 2, (src, o) =>
      images.import((typeof src === "string" ? `/nonexistent/${src}` : src) as string, o as never),
    );
    await property("images.pull", 2, (ref, o) =>
      images.pull(local(ref) as string, {
        ...(typeof o === "object" ? o : {}),
        signal: AbortSignal.timeout(2000),
      }),
    );
    await property("content.info", 2, (dg, o) => content.info(dg as string, o as never));
    await property("content.list", 1, (o) => content.list(o as never));
    await property("content.delete", 2, (dg, o) => content.delete(dg as string, o as never));
    await property("content.readAll", 2, (dg, o) => content.readAll(dg as string, o as never));
    await property("leases.create", 1, (o) =>
      leases.create(o as never).then((lease) => leases.delete(lease.id)),
    );
    await property("leases.delete", 2, (id, o) => leases.delete(id as string, o as never));
    await property("leases.resources", 2, (id, o) => leases.resources(id as string, o as never));
    await property("snapshots", 1, (name) => d.client.snapshots(name as string).list());
    const snapshots = d.client.snapshots();
    await property("snapshots.stat", 2, (k, o) => snapshots.stat(k as string, o as never));
    await property("snapshots.usage", 2, (k, o) => snapshots.usage(k as string, o as never));
    await property("snapshots.mounts", 2, (k, o) => snapshots.mounts(k as string, o as never));
    await property("snapshots.prepare", 3, (k, p, o) =>
      snapshots.prepare(k as string, p as string, o as never).then(() => snapshots.remove(k as string)),
    );
    await property("snapshots.remove", 2, (k, o) => snapshots.remove(k as string, o as never));
  });

  test("loading processes takes only typed errors", async () => {
    const { task } = await runningTask();
    await property("task.loadProcess", 2, (id, o) =>
      task.loadProcess(id as string, o as never).then((p) => p.detach()),
    );
  });
});
