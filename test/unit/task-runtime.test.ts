import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { taskRuntimeFields } from "../../src/runtime/task-runtime.js";
import { decodeAny } from "../../src/typeurl/index.js";

function rejects(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => err instanceof InvalidArgumentError && err.field === field);
}

describe("taskRuntimeFields (newTask's runtimePath and runtimeOptions)", () => {
  test("nothing given sends containerd's defaults: no path, no options", () => {
    assert.deepEqual(taskRuntimeFields({}), { runtimePath: "", options: undefined });
  });

  test("an absolute runtimePath is sent as given", () => {
    assert.equal(
      taskRuntimeFields({ runtimePath: "/usr/bin/containerd-shim-runc-v2" }).runtimePath,
      "/usr/bin/containerd-shim-runc-v2",
    );
  });

  test("a relative or non-string runtimePath is rejected naming runtimePath", () => {
    rejects(() => taskRuntimeFields({ runtimePath: "containerd-shim-runc-v2" }), "runtimePath");
    rejects(() => taskRuntimeFields({ runtimePath: 5 as never }), "runtimePath");
  });

  test("runc options are encoded as containerd.runc.v1.Options and decode back", () => {
    const { options } = taskRuntimeFields({
      runtimeOptions: { binaryName: "crun", systemdCgroup: true, ioUid: 1000, shimCgroup: "/x" },
    });
    assert.ok(options);
    const { typeUrl, value } = decodeAny(options);
    assert.equal(typeUrl, "containerd.runc.v1.Options");
    assert.deepEqual(
      [
        (value as { binaryName: string }).binaryName,
        (value as { systemdCgroup: boolean }).systemdCgroup,
        (value as { ioUid: number }).ioUid,
      ],
      ["crun", true, 1000],
    );
  });

  test("an option the SDK cannot send is rejected naming it", () => {
    rejects(
      () => taskRuntimeFields({ runtimeOptions: { criuWorkPath: "/w" } as never }),
      "runtimeOptions.criuWorkPath",
    );
    rejects(
      () => taskRuntimeFields({ runtimeOptions: { BinaryName: "runc" } as never }),
      "runtimeOptions.BinaryName",
    );
  });

  test("an option of the wrong type is rejected naming it", () => {
    rejects(
      () => taskRuntimeFields({ runtimeOptions: { noPivotRoot: "true" as never } }),
      "runtimeOptions.noPivotRoot",
    );
    rejects(() => taskRuntimeFields({ runtimeOptions: { ioGid: 2 ** 32 } }), "runtimeOptions.ioGid");
    rejects(() => taskRuntimeFields({ runtimeOptions: "runc" as never }), "runtimeOptions");
  });
});
