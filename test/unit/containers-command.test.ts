import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { commandArgs } from "../../src/containers/command.js";

const image = { name: "app:v1", config: { Entrypoint: ["/bin/app"], Cmd: ["--serve"] } };

describe("a container's command, as docker run makes it", () => {
  test("without entrypoint or image, args are the command", () => {
    assert.deepEqual(commandArgs({ args: ["/bin/ls"] }), ["/bin/ls"]);
    assert.equal(commandArgs({}), undefined);
  });

  test("an image runs its Entrypoint then its Cmd; args replace the Cmd", () => {
    assert.deepEqual(commandArgs({}, image), ["/bin/app", "--serve"]);
    assert.deepEqual(commandArgs({ args: ["--once"] }, image), ["/bin/app", "--once"]);
  });

  test("entrypoint replaces the image's Entrypoint and drops its Cmd", () => {
    assert.deepEqual(commandArgs({ entrypoint: ["/bin/sh", "-c"] }, image), ["/bin/sh", "-c"]);
    assert.deepEqual(commandArgs({ entrypoint: ["/bin/sh", "-c"], args: ["echo hi"] }, image), [
      "/bin/sh",
      "-c",
      "echo hi",
    ]);
  });

  test("an empty entrypoint clears the image's, leaving args alone", () => {
    assert.deepEqual(commandArgs({ entrypoint: [], args: ["/bin/echo", "x"] }, image), ["/bin/echo", "x"]);
  });

  test("without an image, entrypoint comes before args", () => {
    assert.deepEqual(commandArgs({ entrypoint: ["/bin/sh", "-c"], args: ["true"] }), [
      "/bin/sh",
      "-c",
      "true",
    ]);
  });

  test("a command left empty is an InvalidArgumentError naming args", () => {
    assert.throws(() => commandArgs({ entrypoint: [] }, image), {
      name: "InvalidArgumentError",
      field: "args",
    });
    assert.throws(() => commandArgs({}, { name: "bare", config: {} }), {
      message: 'args: image "bare" has no entrypoint or cmd; pass args',
    });
  });
});
