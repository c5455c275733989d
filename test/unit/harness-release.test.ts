import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRelease } from "../../src/testing/binaries.js";
import { renderConfig } from "../../src/testing/config.js";

const paths = { root: "/r", state: "/s", temp: "/t", socket: "/x.sock", logLevel: "info" };

describe("harness: containerd releases", () => {
  test("parseRelease reads Debian's and upstream's --version lines", () => {
    assert.deepEqual(
      parseRelease("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n"),
      {
        version: "1.6.20",
        major: 1,
        minor: 6,
      },
    );
    assert.deepEqual(parseRelease("containerd github.com/containerd/containerd/v2 2.1.9+unknown \n"), {
      version: "2.1.9",
      major: 2,
      minor: 1,
    });
    assert.equal(parseRelease("containerd containerd.io v1.7.24 88bf19b").version, "1.7.24");
  });

  test("parseRelease rejects output with no version", () => {
    assert.throws(() => parseRelease("hello"), /cannot read a version/);
  });

  test("renderConfig writes config version 2 for containerd 1.x and 3 for 2.x", () => {
    assert.match(renderConfig({ ...paths, major: 1 }), /^version = 2\n/);
    assert.match(renderConfig({ ...paths, major: 2 }), /^version = 3\n/);
  });

  test("renderConfig disables NRI, whose socket would be shared by every daemon", () => {
    assert.match(renderConfig({ ...paths, major: 2 }), /"io\.containerd\.nri\.v1\.nri"/);
  });
});
