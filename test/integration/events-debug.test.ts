import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { format } from "node:util";
import createDebug from "debug";
import { uniqueId, useDaemon } from "../fixtures.js";

describe("request ids in debug logs", () => {
  const d = useDaemon();
  const lines: string[] = [];
  const originalLog = createDebug.log;
  let previous = "";

  before(() => {
    previous = createDebug.disable();
    createDebug.log = (...args: unknown[]) => {
      lines.push(format(...(args as [unknown, ...unknown[]])));
    };
    createDebug.enable("containerd-sdk:rpc,containerd-sdk:events");
  });
  after(() => {
    createDebug.disable();
    if (previous) createDebug.enable(previous);
    createDebug.log = originalLog;
  });

  test(":rpc lines carry the real namespace, and an exit's :events line names the operation that started it", async () => {
    const c = await d.client.containers.create(uniqueId("dbg"), { rootfs: d.rootfs, args: ["/bin/true"] });
    const task = await c.newTask();
    lines.length = 0;
    await task.start();
    await task.wait();
    const start = lines.find((l) => l.includes("/containerd.services.tasks.v1.Tasks/Start"));
    assert.ok(start, lines.join("\n"));
    assert.match(start, new RegExp(`ns=${d.client.namespace} `));
    const op = /op=(\d+)/.exec(start)?.[1];
    const exit = lines.find((l) => l.includes(" exit ") && l.includes(c.id));
    assert.ok(exit, lines.join("\n"));
    assert.match(exit, new RegExp(`op=${op} `));
    await task.delete();
    await c.delete();
  });

  test("the RPCs of one delete({ force: true }) share one operation id", async () => {
    const c = await d.client.containers.create(uniqueId("dbg"), {
      rootfs: d.rootfs,
      args: ["/bin/sleep", "1000"],
    });
    const task = await c.newTask();
    await task.start();
    lines.length = 0;
    await task.delete({ force: true });
    const rpcs = lines.filter((l) => /Tasks\/(Kill|Delete) /.test(l));
    assert.equal(rpcs.length, 2, lines.join("\n"));
    const ops = new Set(rpcs.map((l) => /op=(\d+)/.exec(l)?.[1]));
    assert.equal(ops.size, 1, rpcs.join("\n"));
    await c.delete();
  });
});
