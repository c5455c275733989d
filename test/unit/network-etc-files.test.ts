// The /etc files a container on a network gets.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containerResolvConf, renderHosts } from "../../src/network/etc-files.js";

describe("renderHosts", () => {
  const text = renderHosts({ ip: "10.89.4.2", names: ["db", "db", "cache"] }, [
    { ip: "10.89.4.3", names: ["web", "web-1"] },
  ]);
  const lines = text.trimEnd().split("\n");

  test("starts with localhost for IPv4 and IPv6", () => {
    assert.equal(lines[0], "127.0.0.1\tlocalhost");
    assert.equal(lines[1], "::1\tlocalhost ip6-localhost ip6-loopback");
  });

  test("lists the container itself once per name, then the others on its network", () => {
    assert.deepEqual(lines.slice(-2), ["10.89.4.2\tdb cache", "10.89.4.3\tweb web-1"]);
    assert.ok(text.endsWith("\n"));
  });

  test("leaves out an entry without names", () => {
    assert.equal(renderHosts({ ip: "10.89.4.2", names: [] }, []).includes("10.89.4.2"), false);
  });
});

describe("containerResolvConf", () => {
  test("drops loopback nameservers and keeps the rest in order", () => {
    const host =
      "search corp\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver ::1\noptions edns0\n";
    assert.equal(containerResolvConf(host), "search corp\nnameserver 10.255.255.53\noptions edns0\n");
  });

  test("an empty or loopback-only file gives an empty one", () => {
    assert.equal(containerResolvConf(""), "");
    assert.equal(containerResolvConf("nameserver 127.0.0.1\n"), "");
  });
});
