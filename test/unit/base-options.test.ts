import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkOptions } from "../../src/base/call-options.js";
import { describeValue } from "../../src/base/describe.js";
import { checkOptionKeys, OPERATION_OPTION_KEYS, optionKeys } from "../../src/base/option-keys.js";
import { invalid } from "../../src/base/validate.js";
import { InvalidArgumentError } from "../../src/errors/index.js";

/** An object whose every conversion and property read throws: describing it must not touch it. */
function booby(): object {
  const fail = () => {
    throw new Error("caller code ran");
  };
  return new Proxy(
    { toString: fail, toJSON: fail, [Symbol.toPrimitive]: fail },
    { get: fail, getOwnPropertyDescriptor: fail, ownKeys: fail, getPrototypeOf: fail, has: fail },
  );
}

describe("describeValue", () => {
  test("shows primitives as written and strings quoted and clipped", () => {
    assert.equal(describeValue("rel"), '"rel"');
    assert.equal(describeValue(-1), "-1");
    assert.equal(describeValue(Number.NaN), "NaN");
    assert.equal(describeValue(undefined), "undefined");
    assert.equal(describeValue(null), "null");
    assert.equal(describeValue(5n), "5n");
    assert.equal(describeValue(Symbol("s")), "Symbol(s)");
    assert.ok(describeValue("x".repeat(10_000)).length < 70);
  });

  test("shows objects only by kind, running none of the caller's code", () => {
    assert.equal(describeValue(booby()), "an object");
    assert.equal(describeValue([1, 2]), "an array");
    assert.equal(
      describeValue(() => 1),
      "a function",
    );
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    assert.equal(describeValue(proxy), "an object");
  });

  test("invalid() builds a typed error for any value", () => {
    for (const value of [booby(), Symbol("rootfs"), Object.create(null), 10n]) {
      const err = invalid("rootfs", value, "must be an absolute path");
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, "rootfs");
    }
  });
});

interface Example {
  signal?: AbortSignal;
  timeout?: number;
  rootfs?: string;
  image?: string;
}
const EXAMPLE_KEYS = optionKeys<Example>()([...OPERATION_OPTION_KEYS, "rootfs", "image"]);

describe("option names", () => {
  test("an unknown name is refused naming it, with the nearest known one", () => {
    assert.throws(() => checkOptionKeys({ rootfss: "/x" }, EXAMPLE_KEYS), {
      name: "InvalidArgumentError",
      field: "options.rootfss",
      message: "options.rootfss: unknown option; did you mean rootfs?",
    });
  });

  test("a name near none of the known ones lists them", () => {
    assert.throws(() => checkOptionKeys({ zzz: 1 }, EXAMPLE_KEYS, "resources"), {
      field: "resources.zzz",
      message: "resources.zzz: unknown option; known: signal, timeout, rootfs, image",
    });
  });

  test("an odd or huge name is quoted and clipped", () => {
    assert.throws(
      () => checkOptionKeys({ ["a b".repeat(1000)]: 1 }, EXAMPLE_KEYS),
      (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.match(err.message, /^options\."a ba b.*\.\.\.": unknown option/);
        assert.ok(err.message.length < 200);
        return true;
      },
    );
  });

  test("keys that cannot be read are a typed error", () => {
    assert.throws(() => checkOptionKeys(booby(), EXAMPLE_KEYS), InvalidArgumentError);
  });

  test("checkOptions takes nothing as {}, refuses unknown names and checks signal and timeout", () => {
    assert.deepEqual(checkOptions(undefined, EXAMPLE_KEYS), {});
    assert.deepEqual(checkOptions<Example>({ rootfs: "/r" }, EXAMPLE_KEYS), { rootfs: "/r" });
    assert.throws(() => checkOptions({ imgae: "x" } as never, EXAMPLE_KEYS), { field: "options.imgae" });
    assert.throws(() => checkOptions({ signal: "abort" } as never, EXAMPLE_KEYS), { field: "signal" });
    assert.throws(() => checkOptions("x" as never, EXAMPLE_KEYS), { field: "options" });
  });

  test("a list that misses a key of its interface does not compile", () => {
    // @ts-expect-error: "image" is missing
    optionKeys<Example>()([...OPERATION_OPTION_KEYS, "rootfs"]);
    // @ts-expect-error: "rootfss" is not a key of Example
    optionKeys<Example>()([...OPERATION_OPTION_KEYS, "rootfs", "image", "rootfss"]);
  });
});
