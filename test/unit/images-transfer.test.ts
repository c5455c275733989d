import assert from "node:assert/strict";
import { describe, test } from "node:test";
import Long from "long";
import {
  DataLossError,
  FailedPreconditionError,
  InternalError,
  NotFoundError,
  UnauthenticatedError,
  UnknownError,
} from "../../src/errors/index.js";
import { Progress } from "../../src/gen/github.com/containerd/containerd/api/types/transfer/progress.js";
import { transferError } from "../../src/images/pull/transfer-error.js";
import { toPullProgress } from "../../src/images/pull/transfer-progress.js";

const LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
const DIGEST = `sha256:${"a".repeat(64)}`;

function progress(event: string, mediaType = LAYER, done = 0, total = 100) {
  const desc = { mediaType, digest: DIGEST, size: Long.fromNumber(total), annotations: {} };
  const value = Progress.encode({
    event,
    name: `layer-${DIGEST}`,
    parents: [],
    progress: Long.fromNumber(done),
    total: Long.fromNumber(total),
    desc,
  }).finish();
  return { typeUrl: "containerd.types.transfer.Progress", value };
}

describe("Transfer progress as pull progress", () => {
  test("a downloading layer reports its bytes so far", () => {
    assert.deepEqual(toPullProgress(progress("downloading", LAYER, 40)), {
      digest: DIGEST,
      mediaType: LAYER,
      kind: "layer",
      done: 40,
      total: 100,
      complete: false,
    });
  });

  test("complete and already exists report the whole blob", () => {
    for (const event of ["complete", "already exists"]) {
      const p = toPullProgress(progress(event, LAYER, 0));
      assert.equal(p?.complete, true);
      assert.equal(p?.done, 100);
    }
  });

  test("manifests, indexes and Docker configs get their kind", () => {
    const kind = (mediaType: string) => toPullProgress(progress("waiting", mediaType))?.kind;
    assert.equal(kind("application/vnd.oci.image.manifest.v1+json"), "manifest");
    assert.equal(kind("application/vnd.docker.distribution.manifest.list.v2+json"), "index");
    assert.equal(kind("application/vnd.docker.container.image.v1+json"), "config");
    assert.equal(kind("application/vnd.oci.image.config.v1+json"), "config");
  });

  test("events about no blob, and other messages, are dropped", () => {
    const noDesc = Progress.encode({
      event: "Resolving from OCI Registry (x)",
      name: "",
      parents: [],
      progress: Long.ZERO,
      total: Long.ZERO,
      desc: undefined,
    }).finish();
    assert.equal(toPullProgress({ typeUrl: "containerd.types.transfer.Progress", value: noDesc }), undefined);
    assert.equal(toPullProgress({ ...progress("saved") }), undefined);
    assert.equal(
      toPullProgress({ typeUrl: "containerd.types.transfer.Other", value: new Uint8Array() }),
      undefined,
    );
  });
});

describe("Transfer errors typed as the client-side pull types them", () => {
  const unexpected = (status: string) =>
    new UnknownError(
      `failed to resolve image: unexpected status from HEAD request to http://127.0.0.1:5000/v2/a/manifests/v1: ${status}`,
    );

  test("a registry's 401 is an UnauthenticatedError keeping 401, naming the pull", () => {
    const err = transferError(unexpected("401 Unauthorized"), "pull r/a:v1");
    assert.ok(err instanceof UnauthenticatedError);
    assert.equal(err.statusCode(), 401);
    assert.match(err.message, /^pull r\/a:v1: /);
  });

  test("a registry's 500 is an InternalError and its 404 a NotFoundError", () => {
    assert.ok(transferError(unexpected("500 Internal Server Error"), "pull") instanceof InternalError);
    assert.ok(transferError(unexpected("404 Not Found"), "pull") instanceof NotFoundError);
  });

  test("a commit whose digest does not match is a DataLossError", () => {
    const failed = new FailedPreconditionError(
      `failed commit on ref "layer-x": unexpected commit digest ${DIGEST}`,
    );
    assert.ok(transferError(failed, "pull") instanceof DataLossError);
  });

  test("other errors pass through as they are", () => {
    const other = new UnknownError("failed to resolve image: something else");
    assert.equal(transferError(other, "pull"), other);
    const plain = new Error("x");
    assert.equal(transferError(plain, "pull"), plain);
  });
});
