import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ClientError, Status } from "nice-grpc-common";
import { LeasesDefinition } from "../../src/gen/github.com/containerd/containerd/api/services/leases/v1/leases.js";
import { methodsOf, type ServiceDefinition } from "../../src/rpc/lean/method.js";

const methods = methodsOf(LeasesDefinition as unknown as ServiceDefinition);

describe("lean client methods", () => {
  test("a method's path is /<service>/<method>", () => {
    assert.equal(methods.get("delete")?.descriptor.path, "/containerd.services.leases.v1.Leases/Delete");
  });

  test("a request that cannot be encoded is an INTERNAL ClientError, as grpc-js gives", () => {
    const hostile = { id: Object.create(null) };
    assert.throws(
      () => methods.get("delete")?.serialize(hostile),
      (err: unknown) =>
        err instanceof ClientError &&
        err.code === Status.INTERNAL &&
        err.details.startsWith("Request message serialization failure"),
    );
  });

  test("a response that cannot be decoded is an INTERNAL ClientError", () => {
    assert.throws(
      () => methods.get("list")?.deserialize(Uint8Array.of(0x0a, 0x7f)),
      (err: unknown) =>
        err instanceof ClientError &&
        err.code === Status.INTERNAL &&
        err.details.startsWith("Response message parsing error"),
    );
  });
});
