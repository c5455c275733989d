import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isNonDistributable } from "../../src/images/media-types.js";
import { mergeScopes } from "../../src/images/pull/auth.js";
import { mountSource, uploadUrl } from "../../src/images/push/upload-blob.js";

const digest = `sha256:${"a".repeat(64)}`;

describe("push logic", () => {
  test("token scopes join the actions asked for one repository and keep others apart, sorted", () => {
    assert.equal(
      mergeScopes([
        "repository:team/app:pull,push",
        "repository:team/app:pull",
        "",
        "repository:lib/base:pull",
      ]),
      "repository:lib/base:pull repository:team/app:pull,push",
    );
    assert.equal(mergeScopes(["repository:a/b:push", "repository:a/b:pull"]), "repository:a/b:pull,push");
    assert.equal(mergeScopes(["registry:catalog:*"]), "registry:catalog:*");
  });

  test("an upload's Location resolves against the registry and gains the digest", () => {
    const base = "http://127.0.0.1:5000/v2/team/app";
    assert.equal(
      uploadUrl("/v2/team/app/blobs/uploads/u1?_state=s", base, digest).href,
      `http://127.0.0.1:5000/v2/team/app/blobs/uploads/u1?_state=s&digest=sha256%3A${"a".repeat(64)}`,
    );
    assert.equal(
      uploadUrl("https://storage.example/up/u2", base, digest).href,
      `https://storage.example/up/u2?digest=sha256%3A${"a".repeat(64)}`,
    );
    assert.equal(uploadUrl("other.example:81/up/u3", base, digest).origin, "http://other.example:81");
  });

  test("a blob mounts from the first other repository its source label lists on the same host", () => {
    const labels = { "containerd.io/distribution.source.127.0.0.1": "team/app,lib/base" };
    assert.equal(mountSource(labels, "127.0.0.1:5000", "team/copy"), "team/app");
    assert.equal(mountSource(labels, "127.0.0.1:5000", "team/app"), "lib/base");
    assert.equal(mountSource(labels, "registry.example", "team/copy"), undefined);
    assert.equal(mountSource(undefined, "127.0.0.1", "team/copy"), undefined);
    assert.equal(
      mountSource({ "containerd.io/distribution.source.127.0.0.1": "team/app" }, "127.0.0.1", "team/app"),
      undefined,
    );
  });

  test("non-distributable layers are recognised by their OCI and Docker media types", () => {
    assert.ok(isNonDistributable("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"));
    assert.ok(isNonDistributable("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
    assert.ok(!isNonDistributable("application/vnd.oci.image.layer.v1.tar+gzip"));
  });
});
