import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type CallOptions, ClientError, Metadata, Status } from "nice-grpc-common";
import { DeadlineExceededError, NotFoundError } from "../../src/errors/index.js";
import { callMiddleware } from "../../src/rpc/call-middleware.js";
import { runInLease } from "../../src/rpc/lease-context.js";

const method = {
  path: "/containerd.services.containers.v1.Containers/Get",
  requestStream: false,
  responseStream: false,
  options: {},
} as const;

/** Runs one unary call through the SDK's middleware; `server` stands for the network. */
async function call(
  options: Record<string, unknown>,
  server: (options: CallOptions) => Promise<unknown> = async () => ({}),
): Promise<{ result: unknown; seen: CallOptions }> {
  let seen: CallOptions = {};
  // biome-ignore lint/correctness/useYield: a unary call's response is the generator's return value
  const next = async function* (_request: unknown, opts: CallOptions) {
    seen = opts;
    return await server(opts);
  };
  const it = callMiddleware("/run/test.sock")(
    { method, requestStream: false, request: { id: "c" }, responseStream: false, next } as never,
    options,
  );
  const step = await it.next();
  assert.equal(step.done, true);
  return { result: step.value, seen };
}

describe("the SDK's call middleware", () => {
  test("a namespaced call carries the containerd-namespace header", async () => {
    const { seen } = await call({ namespace: "ns1" });
    assert.equal(Metadata(seen.metadata).get("containerd-namespace"), "ns1");
  });

  test("calls in one namespace share its metadata; a caller's own metadata is copied, not shared", async () => {
    const a = await call({ namespace: "ns1" });
    const b = await call({ namespace: "ns1" });
    assert.equal(a.seen.metadata, b.seen.metadata);
    assert.equal(
      Metadata((await call({ namespace: "ns2" })).seen.metadata).get("containerd-namespace"),
      "ns2",
    );
    const mine = Metadata({ "x-trace": "t1" });
    const own = await call({ namespace: "ns1", metadata: mine });
    assert.notEqual(own.seen.metadata, mine);
    assert.equal(own.seen.metadata?.get("x-trace"), "t1");
    assert.equal(own.seen.metadata?.get("containerd-namespace"), "ns1");
    assert.equal(mine.has("containerd-namespace"), false);
  });

  test("a call inside a lease carries the containerd-lease header, unless the caller set one", async () => {
    const { seen } = await runInLease("l1", () => call({ namespace: "ns1" }));
    assert.equal(Metadata(seen.metadata).get("containerd-lease"), "l1");
    const own = await runInLease("l1", () => call({ metadata: Metadata({ "containerd-lease": "mine" }) }));
    assert.equal(Metadata(own.seen.metadata).get("containerd-lease"), "mine");
  });

  test("a gRPC failure rejects with the SDK's typed error naming the method", async () => {
    const err = await call({}, async () => {
      throw new ClientError(method.path, Status.NOT_FOUND, "container c: not found");
    }).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError);
    assert.equal((err as NotFoundError).method, method.path);
  });

  test("the deadline option reaches the transport, which sends it to the server", async () => {
    const { seen } = await call({ deadline: 20 });
    assert.equal((seen as { deadline?: number }).deadline, 20);
  });

  test("a deadline that runs out in the transport rejects with DeadlineExceededError", async () => {
    const err = await call({ deadline: 20 }, async () => {
      throw new ClientError(method.path, Status.DEADLINE_EXCEEDED, "Deadline exceeded");
    }).catch((e: unknown) => e);
    assert.ok(err instanceof DeadlineExceededError, String(err));
  });
});
