import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { TaskExit } from "../../src/gen/github.com/containerd/containerd/api/events/task.js";
import { decodeAny, encodeAny, normalizeTypeUrl, SPEC_TYPE_URL } from "../../src/typeurl/index.js";

describe("Any codec", () => {
  const exit = {
    containerId: "web",
    id: "web",
    pid: 42,
    exitStatus: 7,
    exitedAt: new Date("2026-01-02T03:04:05.678Z"),
  };

  test("a containerd event round-trips under its bare type URL", () => {
    const any = encodeAny("containerd.events.TaskExit", exit);
    assert.equal(any.typeUrl, "containerd.events.TaskExit");
    assert.deepEqual(TaskExit.decode(any.value), exit);
    assert.deepEqual(decodeAny(any), { typeUrl: "containerd.events.TaskExit", value: exit });
  });

  test("a type.googleapis.com/ or / prefix is tolerated when decoding", () => {
    const { value } = encodeAny("containerd.events.TaskExit", exit);
    for (const typeUrl of ["type.googleapis.com/containerd.events.TaskExit", "/containerd.events.TaskExit"]) {
      assert.deepEqual(decodeAny({ typeUrl, value }).value, exit);
    }
  });

  test("OCI types travel as JSON", () => {
    const spec = { ociVersion: "1.0.2-dev", process: { args: ["/bin/true"], cwd: "/" } };
    const any = encodeAny(SPEC_TYPE_URL, spec);
    assert.equal(new TextDecoder().decode(any.value), JSON.stringify(spec));
    assert.deepEqual(decodeAny(any).value, spec);
  });

  test("image events keep their service's package", () => {
    const any = encodeAny("containerd.services.images.v1.ImageDelete", { name: "busybox:latest" });
    assert.deepEqual(decodeAny(any).value, { name: "busybox:latest" });
  });

  test("cgroups v1 and v2 metrics and runc options are registered", () => {
    for (const url of [
      "io.containerd.cgroups.v1.Metrics",
      "io.containerd.cgroups.v2.Metrics",
      "containerd.runc.v1.Options",
    ]) {
      const any = encodeAny(url, {});
      assert.equal(typeof decodeAny(any).value, "object", url);
    }
  });

  test("an unknown type decodes to its raw bytes", () => {
    const value = new Uint8Array([1, 2, 3]);
    assert.deepEqual(decodeAny({ typeUrl: "example.Unknown", value }), { typeUrl: "example.Unknown", value });
  });

  test("encoding an unknown type from an object is an InvalidArgumentError naming typeUrl", () => {
    assert.throws(
      () => encodeAny("example.Unknown", {}),
      (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.equal(err.field, "typeUrl");
        return true;
      },
    );
  });

  test("normalizeTypeUrl strips only the prefixes", () => {
    assert.equal(normalizeTypeUrl("type.googleapis.com/a.B"), "a.B");
    assert.equal(normalizeTypeUrl("/a.B"), "a.B");
    assert.equal(normalizeTypeUrl(SPEC_TYPE_URL), SPEC_TYPE_URL);
  });
});
