import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { resolveAddress } from "../../src/rpc/address.js";
import { channelSecurity } from "../../src/rpc/tls.js";

describe("addresses", () => {
  test("a socket path is local, with a unix:// target", () => {
    assert.deepEqual(resolveAddress("/run/c.sock"), {
      path: "/run/c.sock",
      target: "unix:///run/c.sock",
      remote: false,
    });
    assert.equal(resolveAddress("unix:///run/c.sock").path, "/run/c.sock");
  });

  test("tcp://host:port is remote, with host:port as the target", () => {
    assert.deepEqual(resolveAddress("tcp://10.0.0.7:7443"), {
      path: "tcp://10.0.0.7:7443",
      target: "10.0.0.7:7443",
      remote: true,
    });
    assert.equal(resolveAddress("tcp://[::1]:7443").target, "[::1]:7443");
  });

  test("tcp without a port, or with a path, is an InvalidArgumentError naming address", () => {
    for (const bad of ["tcp://host", "tcp://host:1/x", "tcp://", "relative.sock"]) {
      assert.throws(
        () => resolveAddress(bad),
        (err: Error) => err instanceof InvalidArgumentError && err.field === "address",
        bad,
      );
    }
  });

  test("tls is refused for a unix socket, and tls.cert without tls.key names tls.key", () => {
    assert.throws(
      () => channelSecurity({ remote: false, path: "/s" }, {}),
      (err: Error) => err instanceof InvalidArgumentError && err.field === "tls",
    );
    const pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert.throws(
      () => channelSecurity({ remote: true, path: "tcp://h:1" }, { cert: pem }),
      (err: Error) => err instanceof InvalidArgumentError && err.field === "tls.key",
    );
  });
});
