import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { describe, test } from "node:test";
import { buildBusyboxImage, startRegistry } from "../../src/testing/index.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("images: harness fixtures", () => {
  test("startRegistry serves the registry API on loopback, and stop() frees the port and removes its dir", async () => {
    const registry = await startRegistry();
    assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
    const res = await fetch(`${registry.url}/v2/`);
    assert.equal(res.status, 200);
    await registry.stop();
    assert.equal(await exists(registry.dir), false);
    await assert.rejects(fetch(`${registry.url}/v2/`));
    await registry.stop(); // idempotent
  });

  test("a registry started with auth answers 401 with a Basic challenge", async () => {
    await using registry = await startRegistry({ auth: { username: "u", password: "p" } });
    const res = await fetch(`${registry.url}/v2/`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm=/);
    const ok = await fetch(`${registry.url}/v2/`, {
      headers: { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` },
    });
    assert.equal(ok.status, 200);
  });

  test("buildBusyboxImage makes an OCI layout, and remove() deletes it", async () => {
    const image = await buildBusyboxImage({ files: { "/etc/x": "1" } });
    assert.equal(await exists(`${image.layout}/index.json`), true);
    assert.equal(image.source, `oci:${image.layout}:latest`);
    await image.remove();
    assert.equal(await exists(image.layout), false);
  });
});
