import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError, parseReference } from "../../src/index.js";

describe("image references", () => {
  const cases: Array<[string, string]> = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1", "docker.io/library/busybox:1"],
    ["acc/marker:v2", "docker.io/acc/marker:v2"],
    ["index.docker.io/u/r:t", "docker.io/u/r:t"],
    ["localhost:5000/x/y", "localhost:5000/x/y:latest"],
    ["localhost/x", "localhost/x:latest"],
    ["127.0.0.1:35123/acc/marker:v1", "127.0.0.1:35123/acc/marker:v1"],
    ["[::1]:5000/a:b", "[::1]:5000/a:b"],
    [`quay.io/a/b:c@sha256:${"a".repeat(64)}`, `quay.io/a/b@sha256:${"a".repeat(64)}`],
  ];
  for (const [input, name] of cases) {
    test(`"${input}" normalises to "${name}"`, () => {
      assert.equal(parseReference(input).name, name);
    });
  }

  test("domain, path and tag are split out", () => {
    assert.deepEqual(parseReference("127.0.0.1:5000/acc/x:v1"), {
      domain: "127.0.0.1:5000",
      path: "acc/x",
      repository: "127.0.0.1:5000/acc/x",
      name: "127.0.0.1:5000/acc/x:v1",
      tag: "v1",
    });
  });

  for (const bad of [
    "",
    "Bad/Upper",
    "a::b",
    "a/b:",
    "a@sha256:xyz",
    "-a/b",
    "a//b",
    `a:${"t".repeat(129)}`,
  ]) {
    test(`"${bad}" rejects with InvalidArgumentError (field reference)`, () => {
      assert.throws(
        () => parseReference(bad),
        (err: unknown) => {
          return err instanceof InvalidArgumentError && err.field === "reference";
        },
      );
    });
  }
});
