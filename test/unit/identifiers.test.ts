import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertIdentifier, MAX_IDENTIFIER_LENGTH } from "../../src/base/identifiers.js";
import { InvalidArgumentError, isInvalidArgument } from "../../src/errors/index.js";

function rejects(value: unknown, field: string, message: string): void {
  assert.throws(
    () => assertIdentifier(value, field),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.message, message);
      assert.equal(err.field, field);
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.equal(err.statusCode(), 400);
      assert.equal(isInvalidArgument(err), true);
      return true;
    },
  );
}

describe("assertIdentifier", () => {
  test("accepts containerd identifiers up to 76 characters", () => {
    for (const id of ["web", "a.b-c_d", "A1", "0", "nginx-1.25.3", "x".repeat(MAX_IDENTIFIER_LENGTH)]) {
      assert.doesNotThrow(() => assertIdentifier(id, "id"), id);
    }
  });

  test("narrows unknown to string", () => {
    const value: unknown = "web";
    assertIdentifier(value, "id");
    assert.equal(value.toUpperCase(), "WEB");
  });

  test("rejects a slash with the pattern in the message", () => {
    rejects(
      "a/b",
      "id",
      'containerd-sdk: id: "a/b" must match [A-Za-z0-9]+([._-][A-Za-z0-9]+)* (containerd identifier)',
    );
  });

  test("rejects the empty string", () => {
    rejects("", "id", "containerd-sdk: id: must not be empty");
  });

  test("rejects 77 characters", () => {
    rejects("x".repeat(77), "execId", "containerd-sdk: execId: 77 characters is longer than 76");
  });

  test("rejects leading, trailing and doubled separators", () => {
    for (const id of ["-a", "a-", ".a", "a..b", "a__b", "a-_b", "a b", "é"]) {
      assert.throws(() => assertIdentifier(id, "id"), InvalidArgumentError, id);
    }
  });

  test("rejects non-strings", () => {
    rejects(42, "id", "containerd-sdk: id: must be a string, not number");
    rejects(undefined, "id", "containerd-sdk: id: must be a string, not undefined");
    rejects(null, "id", "containerd-sdk: id: must be a string, not null");
  });
});
