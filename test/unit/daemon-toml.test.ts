import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderToml } from "../../src/daemon/toml.js";
import { InvalidArgumentError } from "../../src/index.js";

describe("daemon config as TOML", () => {
  test("plain keys come first, then tables, nested as [a.b]", () => {
    const text = renderToml({
      version: 2,
      root: "/r",
      grpc: { address: "/s.sock", max_recv_message_size: 16 },
      plugins: { "io.containerd.grpc.v1.cri": { enabled: false } },
      disabled_plugins: ["a", "b"],
    });
    assert.equal(
      text,
      'version = 2\nroot = "/r"\ndisabled_plugins = ["a", "b"]\n\n[grpc]\naddress = "/s.sock"\nmax_recv_message_size = 16\n\n[plugins]\n\n[plugins."io.containerd.grpc.v1.cri"]\nenabled = false\n',
    );
  });

  test("a non-finite number is an InvalidArgumentError naming its key", () => {
    assert.throws(
      () => renderToml({ grpc: { uid: Number.NaN } }),
      (err: Error) => err instanceof InvalidArgumentError && err.field === "config.grpc.uid",
    );
  });
});
