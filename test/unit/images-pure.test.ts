import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { selectManifest } from "../../src/images/platform.js";
import { parseChallenge } from "../../src/images/pull/auth.js";
import { isLoopbackHost } from "../../src/images/pull/registry.js";
import { chainIds } from "../../src/index.js";

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe("image logic", () => {
  test("chain IDs: the first is the diff ID, each next is sha256 of the previous, a space, the diff ID", () => {
    const [a, b, c] = [d("a"), d("b"), d("c")];
    const ids = chainIds([a, b, c]);
    const h = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
    assert.equal(ids[0], a);
    assert.equal(ids[1], h(`${a} ${b}`));
    assert.equal(ids[2], h(`${h(`${a} ${b}`)} ${c}`));
    assert.deepEqual(chainIds([]), []);
  });

  test("platform selection prefers amd64, then 386, then entries without platform", () => {
    const entries = [
      {
        mediaType: "m",
        digest: d("1"),
        size: 1,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      { mediaType: "m", digest: d("2"), size: 1, platform: { os: "linux", architecture: "386" } },
      { mediaType: "m", digest: d("3"), size: 1, platform: { os: "linux", architecture: "amd64" } },
    ];
    const want = { os: "linux", architecture: "amd64" };
    assert.equal(selectManifest(entries, want)?.digest, d("3"));
    assert.equal(selectManifest(entries.slice(0, 2), want)?.digest, d("2"));
    assert.equal(selectManifest(entries.slice(0, 1), want), undefined);
    assert.equal(selectManifest(entries, { os: "linux", architecture: "arm64" })?.digest, d("1"));
  });

  test("WWW-Authenticate challenges are parsed with quoted parameters", () => {
    assert.deepEqual(
      parseChallenge('Bearer realm="https://auth/token",service="reg",scope="repository:a/b:pull"'),
      {
        scheme: "bearer",
        params: { realm: "https://auth/token", service: "reg", scope: "repository:a/b:pull" },
      },
    );
    assert.deepEqual(parseChallenge('Basic realm="basic-realm"'), {
      scheme: "basic",
      params: { realm: "basic-realm" },
    });
    assert.equal(parseChallenge(null), undefined);
  });

  test("loopback hosts are recognised with and without ports", () => {
    for (const h of ["localhost", "localhost:5000", "127.0.0.1:1", "127.1.2.3", "[::1]:5000"])
      assert.ok(isLoopbackHost(h), h);
    for (const h of ["docker.io", "10.0.0.1:5000", "localhost.example.com"]) assert.ok(!isLoopbackHost(h), h);
  });
});
