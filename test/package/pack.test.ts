// The package as users get it: `npm pack` of this checkout, installed into a fresh project, used from
// plain Node (no tsx, no "source" condition) and type-checked by a strict consumer.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { useDaemon } from "../fixtures.js";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const tsc = join(root, "node_modules/typescript/bin/tsc");

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

  test("ships dist, README and LICENSE, and no source maps or sources", () => {
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/testing/index.js", "README.md", "LICENSE"]) {
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

  test("type-checks a strict consumer with skipLibCheck off", async () => {
    const project = join(work, "consumer");
    await writeFile(join(project, "consumer.ts"), consumer);
    await writeFile(join(project, "tsconfig.json"), JSON.stringify(consumerTsconfig));
    const result = await exec(process.execPath, [tsc, "-p", project], { cwd: project }).catch(
      (err: { stdout?: string }) => err,
    );
    assert.equal("code" in result ? result.code : 0, 0, result.stdout);
  });
});
