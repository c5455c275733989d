// The test toolkit's startService and its wait strategies, on busybox images in a private daemon:
// each strategy resolves only once its condition holds, and the handle publishes, execs and logs.
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/index.js";
import { type ServiceHandle, startService, wait } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";
import { leftoversOf, useBusyboxImage } from "../service-fixtures.js";

const TIMEOUT = 30_000;

/** A shell script as the service's command. */
const sh = (script: string) => ({ entrypoint: ["/bin/sh", "-c"], args: [script] });

function httpGet(port: number, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject).end();
  });
}

async function text(service: ServiceHandle): Promise<string> {
  let out = "";
  for await (const entry of service.logs()) out += entry.data;
  return out;
}

describe("testing: startService and wait", () => {
  const d = useDaemon();
  const busybox = useBusyboxImage(d);
  const healthy = useBusyboxImage(d, "healthcheck", {
    healthcheck: { test: ["CMD-SHELL", "test -f /tmp/healthy"], interval: 200, timeout: 2000, retries: 50 },
  });

  test("forLog resolves only once the line is in the log", async () => {
    const started = Date.now();
    await using service = await startService(d.client, {
      image: busybox.name,
      ...sh("echo starting; sleep 1; echo Ready to accept connections; exec sleep 1000"),
      wait: wait.forLog(/Ready to accept/),
      startupTimeout: TIMEOUT,
    });
    assert.ok(Date.now() - started >= 1000, "resolved before the line was written");
    assert.match(await text(service), /starting\nReady to accept connections\n/);
  });

  test("forLog with times waits for that many matching lines", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      ...sh("for i in 1 2 3; do echo tick $i; sleep 0.3; done; exec sleep 1000"),
      wait: wait.forLog("tick", { times: 3 }),
      startupTimeout: TIMEOUT,
    });
    assert.match(await text(service), /tick 3/);
  });

  test("forPort resolves once the process listens and the host port connects", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      ...sh("mkdir -p /www; echo up > /www/index.html; sleep 1; exec httpd -f -p 8080 -h /www"),
      ports: [8080],
      wait: wait.forPort(8080),
      startupTimeout: TIMEOUT,
    });
    assert.equal(service.host, "127.0.0.1");
    assert.deepEqual(await httpGet(service.port(8080)), { status: 200, body: "up\n" });
  });

  test("forHttp answers from the host, against busybox httpd serving copied-in files", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      args: ["httpd", "-f", "-p", "80", "-h", "/www"],
      files: [{ target: "/www/health", content: "ok\n" }],
      ports: [{ containerPort: 80 }],
      wait: wait.forHttp({ port: 80, path: "/health", status: (s) => s === 200 }),
      startupTimeout: TIMEOUT,
    });
    assert.deepEqual(await httpGet(service.port(80), "/health"), { status: 200, body: "ok\n" });
  });

  test("forExec resolves once the command exits 0", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      ...sh("sleep 1; touch /tmp/ready; exec sleep 1000"),
      wait: wait.forExec(["test", "-f", "/tmp/ready"]),
      startupTimeout: TIMEOUT,
    });
    assert.equal((await service.exec(["test", "-f", "/tmp/ready"])).exitCode, 0);
  });

  test("forHealthcheck runs the image's Healthcheck until it passes", async () => {
    const started = Date.now();
    await using service = await startService(d.client, {
      image: healthy.name,
      ...sh("sleep 1; touch /tmp/healthy; exec sleep 1000"),
      wait: wait.forHealthcheck(),
      startupTimeout: TIMEOUT,
    });
    assert.ok(Date.now() - started >= 1000);
    assert.equal((await service.exec(["test", "-f", "/tmp/healthy"])).exitCode, 0);
  });

  test("all() resolves once every strategy has", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      ...sh("echo booting; sleep 0.5; touch /tmp/a; exec httpd -f -p 81 -h /"),
      ports: [81],
      wait: wait.all(wait.forLog("booting"), wait.forPort(81), wait.forExec(["test", "-f", "/tmp/a"])),
      startupTimeout: TIMEOUT,
    });
    assert.equal(typeof service.port(81), "number");
  });

  test("the handle runs execs, names its address, and refuses a port it does not publish", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      args: ["sleep", "1000"],
      env: { GREETING: "hello" },
      startupTimeout: TIMEOUT,
    });
    const result = await service.exec(["sh", "-c", "echo $GREETING; echo oops >&2; exit 3"]);
    assert.deepEqual([result.exitCode, result.stdout, result.stderr], [3, "hello\n", "oops\n"]);
    assert.match(service.ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.throws(
      () => service.port(9999),
      (err) => err instanceof InvalidArgumentError && err.field === "containerPort",
    );
  });

  test("user, labels, aliases and resources reach the container", async () => {
    await using service = await startService(d.client, {
      image: busybox.name,
      args: ["sleep", "1000"],
      user: "1000:1000",
      labels: { team: "db" },
      aliases: ["cache"],
      resources: { memory: 64 * 1024 * 1024 },
      startupTimeout: TIMEOUT,
    });
    assert.equal((await service.exec(["id", "-u"])).stdout, "1000\n");
    assert.equal((await service.container.info()).labels.team, "db");
    assert.match((await service.exec(["cat", "/etc/hosts"])).stdout, /\bcache\b/);
    const spec = await service.container.spec();
    assert.equal(spec.linux?.resources?.memory?.limit, 64 * 1024 * 1024);
  });

  test("stop() is idempotent and removes the container, its snapshot and its network attachment", async () => {
    const service = await startService(d.client, {
      image: busybox.name,
      args: ["sleep", "1000"],
      startupTimeout: TIMEOUT,
    });
    await Promise.all([service.stop(), service.stop()]);
    await service.stop();
    assert.deepEqual(await leftoversOf(d, service.id), []);
  });
});
