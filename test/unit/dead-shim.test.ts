import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NotFoundError, UnknownError } from "../../src/index.js";
import { retryWhileShimCleansUp } from "../../src/runtime/dead-shim.js";

const shimClosed = () => new UnknownError("failed to delete task: ttrpc: closed");

describe("delete while containerd cleans up a dead shim", () => {
  test("a delete failing with 'ttrpc: closed' is tried again until containerd answers", async () => {
    let calls = 0;
    const result = await retryWhileShimCleansUp(undefined, async () => {
      if (++calls < 3) throw shimClosed();
      return "deleted";
    });
    assert.equal(result, "deleted");
    assert.equal(calls, 3);
  });

  test("NotFound after the clean-up rejects at once, for the caller to read as gone", async () => {
    let calls = 0;
    const outcome = retryWhileShimCleansUp(undefined, async () => {
      if (++calls === 1) throw shimClosed();
      throw new NotFoundError("task gone");
    });
    await assert.rejects(outcome, NotFoundError);
    assert.equal(calls, 2);
  });

  test("any other error rejects without a second try", async () => {
    let calls = 0;
    const outcome = retryWhileShimCleansUp(undefined, async () => {
      calls++;
      throw new UnknownError("something else");
    });
    await assert.rejects(outcome, /something else/);
    assert.equal(calls, 1);
  });

  test("aborting stops the retries", async () => {
    const controller = new AbortController();
    const outcome = retryWhileShimCleansUp(controller.signal, async () => {
      controller.abort();
      throw shimClosed();
    });
    await assert.rejects(outcome, { name: "AbortError" });
  });
});
