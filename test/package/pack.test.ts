// The package as users get it: `npm pack` of this checkout, installed into a fresh project, used from
// plain Node (no tsx, no "source" condition) as ES modules and through require(), from a Jest test
// (Jest's own CommonJS module system), and type-checked by strict ESM and CommonJS consumers; and the
// test runner examples (examples/runners: node:test, vitest, Jest) run on it with redis services.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { startRedis } from "../../src/testing/index.js";
import { useDaemon } from "../fixtures.js";
import { runExample, runnersProject } from "./runners.js";

const exec = promisify(execFile);
const nodeMajor = Number(process.versions.node.split(".")[0]);
const root = resolve(import.meta.dirname, "../..");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const jest = join(root, "node_modules/jest/bin/jest.js");

async function npm(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

const runScript = `
import { Client, NotFoundError, isNotFound } from "containerd-sdk";
import { startContainerd } from "containerd-sdk/testing";
const [address, fifoDir, rootfs] = process.argv.slice(2);
const client = await Client.connect({ address, fifoDir, namespace: "packaged" });
const { exitCode, stdout } = await client.run({ rootfs, args: ["/bin/sh", "-c", "echo packaged; exit 4"] });
const missing = await client.containers.load("nope").catch((err) => err);
await client[Symbol.asyncDispose]();
console.log(JSON.stringify({
  exitCode, stdout, harness: typeof startContainerd,
  notFound: missing instanceof NotFoundError && isNotFound(missing) && missing.statusCode(),
}));
`;

// The same run through require(): the CommonJS build, whose tar-stream chunk loads on demand.
const requireScript = `
const { Client, InvalidArgumentError, NotFoundError, isNotFound } = require("containerd-sdk");
const { startContainerd } = require("containerd-sdk/testing");
const { superviseContainerd } = require("containerd-sdk/daemon");
const { Readable } = require("node:stream");
const [address, fifoDir, rootfs] = process.argv.slice(2);
(async () => {
  const client = await Client.connect({ address, fifoDir, namespace: "required" });
  const { exitCode, stdout } = await client.run({ rootfs, args: ["/bin/sh", "-c", "echo required; exit 5"] });
  const missing = await client.containers.load("nope").catch((err) => err);
  const notATar = await client.images.import(Readable.from([Buffer.alloc(1024)])).catch((err) => err);
  await client.close();
  console.log(JSON.stringify({
    exitCode, stdout, harness: typeof startContainerd, daemon: typeof superviseContainerd,
    notFound: missing instanceof NotFoundError && isNotFound(missing) && missing.statusCode(),
    notATar: notATar instanceof InvalidArgumentError && notATar.message,
  }));
})();
`;

// A Jest test as a Jest user writes one, with the package's own harness: Jest loads it, and the
// package, with its own module system.
const jestTest = `
const { Client, NotFoundError, isNotFound } = require("containerd-sdk");
const { startContainerd } = require("containerd-sdk/testing");

let ctr;
beforeAll(async () => {
  ctr = await startContainerd({ namespace: "jest-" + process.pid });
}, 60000);
afterAll(() => ctr?.stop());

test("runs a container", async () => {
  const rootfs = await ctr.rootfs();
  const { exitCode, stdout } = await ctr.client.run({ rootfs, args: ["/bin/sh", "-c", "echo jest; exit 6"] });
  expect({ exitCode, stdout }).toEqual({ exitCode: 6, stdout: "jest\\n" });
});

test("rejects with the SDK's typed errors", async () => {
  expect(ctr.client).toBeInstanceOf(Client);
  const missing = await ctr.client.containers.load("nope").catch((err) => err);
  expect(missing).toBeInstanceOf(NotFoundError);
  expect(isNotFound(missing)).toBe(true);
  expect(missing.statusCode()).toBe(404);
});
`;

const consumer = `
import { Client, type ContainerInfo, type ExitStatus, InvalidArgumentError, oci } from "containerd-sdk";
import { type ContainerdInstance, startContainerd } from "containerd-sdk/testing";

export async function lifecycle(ctr: ContainerdInstance): Promise<ExitStatus> {
  const client: Client = ctr.client;
  const spec: Partial<oci.Spec> = { hostname: "typed" };
  const c = await client.containers.create("typed", { rootfs: await ctr.rootfs(), args: ["/bin/true"], spec: spec as oci.Spec });
  const info: ContainerInfo = await c.info();
  const task = await c.newTask({ stdio: "ignore" });
  await task.start();
  const status = await task.wait({ signal: AbortSignal.timeout(1000) });
  await task.delete();
  await c.delete();
  if (info.id !== "typed") throw new InvalidArgumentError("id", { field: "id" });
  return status;
}
export const start: typeof startContainerd = startContainerd;
`;

// The same consumer compiled as CommonJS (its imports become require() calls).
const cjsConsumer = `
import { Client, type ExitStatus, InvalidArgumentError, isNotFound, oci } from "containerd-sdk";
import type { SuperviseOptions } from "containerd-sdk/daemon";
import { type ContainerdInstance, startContainerd } from "containerd-sdk/testing";

export async function lifecycle(ctr: ContainerdInstance): Promise<ExitStatus> {
  const client: Client = ctr.client;
  const spec: Partial<oci.Spec> = { hostname: "typed" };
  const c = await client.containers.create("typed", { rootfs: await ctr.rootfs(), args: ["/bin/true"], spec: spec as oci.Spec });
  const task = await c.newTask({ stdio: "ignore" });
  await task.start();
  const status = await task.wait({ signal: AbortSignal.timeout(1000) });
  await c.delete().catch((err: unknown) => {
    if (!isNotFound(err)) throw new InvalidArgumentError("id", { field: "id", cause: err });
  });
  return status;
}
export const start: typeof startContainerd = startContainerd;
export type Options = SuperviseOptions;
`;

const consumerTsconfig = {
  compilerOptions: {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2023", "esnext.disposable"],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: ["node"],
  },
  include: ["*.ts"],
};

describe("the packed tarball", () => {
  const d = useDaemon();
  let work: string;
  let tarball: string;
  let files: string[];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "containerd-sdk-pack-"));
    // `npm pack` runs the prepare script, so this is what a clean clone or a git install ships.
    const [packed] = JSON.parse(await npm(root, "pack", "--json", "--pack-destination", work)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    assert.ok(packed);
    tarball = join(work, packed.filename);
    files = packed.files.map((f) => f.path);
    const project = join(work, "consumer");
    await exec("mkdir", ["-p", project]);
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
    const typesNode = JSON.parse(await readFile(join(root, "node_modules/@types/node/package.json"), "utf8"))
      .version as string;
    await npm(project, "install", "--prefer-offline", tarball, `@types/node@${typesNode}`);
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test("ships dist (ESM and CommonJS), README and LICENSE, and no source maps or sources", () => {
    const dist = ["index", "daemon/index", "testing/index"].flatMap((entry) =>
      [".js", ".d.ts", ".cjs", ".d.cts"].map((ext) => `dist/${entry}${ext}`),
    );
    for (const f of [...dist, "README.md", "LICENSE"]) {
      assert.ok(files.includes(f), `${f} missing from ${tarball}`);
    }
    assert.deepEqual(
      files.filter((f) => f.endsWith(".map") || f.startsWith("src/") || f.startsWith("test/")),
      [],
    );
  });

  test("imports containerd-sdk and containerd-sdk/testing in plain Node and runs a container", async () => {
    const script = join(work, "consumer", "run.mjs");
    await writeFile(script, runScript);
    const { stdout } = await exec(process.execPath, [script, d.ctr.address, d.ctr.fifoDir, d.rootfs], {
      cwd: join(work, "consumer"),
      timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(stdout), {
      exitCode: 4,
      stdout: "packaged\n",
      harness: "function",
      notFound: 404,
    });
  });

  test("requires containerd-sdk, /testing and /daemon from CommonJS and runs a container", async () => {
    const script = join(work, "consumer", "run.cjs");
    await writeFile(script, requireScript);
    const { stdout } = await exec(process.execPath, [script, d.ctr.address, d.ctr.fifoDir, d.rootfs], {
      cwd: join(work, "consumer"),
      timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(stdout), {
      exitCode: 5,
      stdout: "required\n",
      harness: "function",
      daemon: "function",
      notFound: 404,
      notATar: "import stream: unrecognized image format (no oci-layout or manifest.json)",
    });
  });

  test("runs a Jest test that starts the harness's containerd and runs a container (no Jest flags)", async () => {
    const project = join(work, "consumer");
    await writeFile(join(project, "sdk.test.cjs"), jestTest);
    const result = await exec(
      process.execPath,
      [
        jest,
        "--rootDir",
        project,
        "--ci",
        "--json",
        "--no-watchman",
        "--cacheDirectory",
        join(work, "jest-cache"),
      ],
      { cwd: project, timeout: 120_000 },
    ).catch((err: { stdout?: string; stderr?: string }) => err);
    const report = JSON.parse(result.stdout ?? "{}") as { numPassedTests?: number; numTotalTests?: number };
    assert.deepEqual(
      { passed: report.numPassedTests, total: report.numTotalTests },
      { passed: 2, total: 2 },
      result.stderr,
    );
  });

  test("type-checks a strict consumer with skipLibCheck off", async () => {
    const project = join(work, "consumer");
    await writeFile(join(project, "consumer.ts"), consumer);
    await writeFile(join(project, "tsconfig.json"), JSON.stringify(consumerTsconfig));
    const result = await exec(process.execPath, [tsc, "-p", project], { cwd: project }).catch(
      (err: { stdout?: string }) => err,
    );
    assert.equal("code" in result ? result.code : 0, 0, result.stdout);
  });

  // node16 (and nodenext) read the `require` conditions; commonjs (node10, as with ts-jest's usual
  // setup) reads `types` and `typesVersions`, with esModuleInterop as `tsc --init` sets it.
  for (const options of [
    { module: "node16", moduleResolution: "node16" },
    { module: "commonjs", moduleResolution: "node10", esModuleInterop: true },
  ]) {
    const { module, moduleResolution } = options;
    test(`type-checks a strict CommonJS consumer (module ${module}, moduleResolution ${moduleResolution})`, async () => {
      const project = join(work, "consumer", `cjs-${module}`);
      await exec("mkdir", ["-p", project]);
      await writeFile(
        join(project, "package.json"),
        JSON.stringify({ name: "cjs-consumer", type: "commonjs" }),
      );
      await writeFile(join(project, "consumer.ts"), cjsConsumer);
      const { compilerOptions } = consumerTsconfig;
      const tsconfig = {
        ...consumerTsconfig,
        compilerOptions: { ...compilerOptions, ...options },
      };
      await writeFile(join(project, "tsconfig.json"), JSON.stringify(tsconfig));
      const result = await exec(process.execPath, [tsc, "-p", project], { cwd: project }).catch(
        (err: { stdout?: string }) => err,
      );
      assert.equal("code" in result ? result.code : 0, 0, result.stdout);
    });
  }

  describe("the test runner examples, each on the tarball with redis services", () => {
    let dir: string;
    let env: Record<string, string>;

    before(async () => {
      dir = join(work, "runners");
      await runnersProject(dir, join(work, "consumer"));
      env = { CONTAINERD_ADDRESS: d.ctr.address, CONTAINERD_NAMESPACE: d.client.namespace };
      // The redis image built (from the shared cache, or minutes the first time on a machine) and
      // imported once here, so no runner's start pays for it.
      await (await startRedis(d.client)).stop();
    });

    if (nodeMajor < 24) {
      // Not a skip: the example's limit on Node 22 is checked, so the README's claim stays true.
      test("node-test on Node 22: the runner refuses --test-global-setup, and no service starts", async () => {
        const result = await runExample("node-test", dir, env);
        assert.match(result.output, /bad option: --test-global-setup/);
        assert.deepEqual(await d.client.containers.list(), [], "no service left");
      });
    }
    for (const runner of ["node-test", "vitest", "jest"] as const) {
      if (runner === "node-test" && nodeMajor < 24) continue;
      test(`${runner}: a redis per file and one shared by all, two files at a time, nothing left`, async () => {
        const result = await runExample(runner, dir, env);
        assert.deepEqual(
          { passed: result.passed, failed: result.failed },
          { passed: 4, failed: 0 },
          result.output,
        );
        assert.deepEqual(await d.client.containers.list(), [], "every service removed");
      });
    }
  });
});
