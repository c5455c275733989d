import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkManifestBody, MAX_METADATA_BYTES, parseConfig } from "../../src/images/manifest.js";
import { MediaType } from "../../src/images/media-types.js";
import { InvalidArgumentError } from "../../src/index.js";

const digest = `sha256:${"a".repeat(64)}`;
const layer = { mediaType: MediaType.ociLayerGzip, digest, size: 10 };

describe("manifest checks", () => {
  test("the metadata limit is 4 MiB", () => {
    assert.equal(MAX_METADATA_BYTES, 4 * 1024 * 1024);
  });

  test("a well-formed manifest and index pass", () => {
    checkManifestBody({ schemaVersion: 2, config: layer, layers: [layer] }, MediaType.ociManifest, "m");
    checkManifestBody({ schemaVersion: 2, manifests: [layer] }, MediaType.ociIndex, "i");
  });

  test("hostile manifest bodies are InvalidArgumentErrors naming the part", () => {
    const bad: [unknown, string, RegExp][] = [
      [null, MediaType.ociManifest, /not a JSON object/],
      [{ config: layer, layers: "x" }, MediaType.ociManifest, /layers: not a list/],
      [{ layers: [layer] }, MediaType.ociManifest, /config: not a descriptor/],
      [{ config: layer, layers: [{ ...layer, digest: "../../etc" }] }, MediaType.ociManifest, /layers\[0\]/],
      [{ config: layer, layers: [{ ...layer, size: -1 }] }, MediaType.ociManifest, /layers\[0\]/],
      [{ manifests: [null] }, MediaType.ociIndex, /manifests\[0\]/],
      [{ manifests: [layer] }, MediaType.ociManifest, /the body is an index/],
      [{ fsLayers: [] }, MediaType.ociManifest, /schema 1/],
    ];
    for (const [body, mediaType, message] of bad) {
      assert.throws(
        () => checkManifestBody(body, mediaType, "m"),
        (err: unknown) => err instanceof InvalidArgumentError && message.test(err.message),
        JSON.stringify(body),
      );
    }
  });

  test("a config's diff IDs must be a list of strings; a config without rootfs passes", () => {
    assert.deepEqual(parseConfig(Buffer.from('{"os":"linux"}'), "c").os, "linux");
    for (const body of ["[]", '{"rootfs":{"diff_ids":"x"}}', '{"rootfs":{"diff_ids":[1]}}', "nope"]) {
      assert.throws(() => parseConfig(Buffer.from(body), "c"), InvalidArgumentError, body);
    }
  });
});
