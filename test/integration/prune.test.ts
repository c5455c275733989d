import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { InvalidArgumentError, NotFoundError } from "../../src/index.js";
import { buildBusyboxImage, rpcDelta, rpcTotal } from "../../src/testing/index.js";
import { ctr, type Daemon, uniqueId, useDaemon } from "../fixtures.js";
import { useLogDir } from "../logs-fixtures.js";

const d = useDaemon({ metrics: true });
const logRoot = useLogDir("prune-logs-");
const IMAGE = "acc/prune:v1";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Makes `id` with label run=`run`: a plain container, or one with a running task. */
async function make(daemon: Daemon, id: string, run: string, withTask: boolean): Promise<void> {
  const c = await daemon.client.containers.create(id, {
    rootfs: daemon.rootfs,
    args: ["sleep", "1000"],
    labels: { run },
  });
  daemon.defer(() => c.delete({ force: true }));
  if (withTask) await (await c.newTask()).start();
}

/** A client in another process makes container `id` (network, logs, running task) and is SIGKILLed. */
async function crashedClient(id: string, run: string): Promise<void> {
  const config = {
    address: d.ctr.address,
    fifoDir: d.ctr.fifoDir,
    namespace: d.client.namespace,
    stateDir: d.client.networks.stateDir,
    image: IMAGE,
    run,
  };
  const args = [
    "--conditions=source",
    "--import",
    "tsx",
    "test/children/prune-child.ts",
    JSON.stringify(config),
    id,
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  assert.equal(line.toString(), "started\n");
  child.kill("SIGKILL");
  await once(child, "close");
}

describe("client.prune", () => {
  before(async () => {
    await using built = await buildBusyboxImage();
    const file = join(d.ctr.dir, "prune.tar");
    await built.writeOciArchive(file, IMAGE);
    await d.client.images.import(file);
  });

  test("removes matching containers with or without tasks and keeps the rest", async () => {
    const run = uniqueId("run");
    const [plain, running, other] = [uniqueId("p"), uniqueId("p"), uniqueId("p")];
    await make(d, plain, run, false);
    await make(d, running, run, true);
    await make(d, other, "someone-else", true);
    const result = await d.client.prune({ filters: [`labels."run"==${run}`] });
    assert.deepEqual([...result.containers].sort(), [plain, running].sort());
    await assert.rejects(d.client.containers.load(plain), NotFoundError);
    await assert.rejects(d.client.containers.load(running), NotFoundError);
    const kept = await d.client.containers.load(other);
    assert.equal((await (await kept.task()).status()).status, "running");
  });

  test("removes a SIGKILLed client's container with its task, snapshot, network and logs", async () => {
    const run = uniqueId("run");
    const id = uniqueId("crash");
    await crashedClient(id, run);
    const attachment = await d.client.networks.attachmentOf(id);
    assert.ok(attachment, "the crashed client attached it");
    assert.equal(await exists(join(logRoot(), d.client.namespace, id)), true);
    const result = await d.client.prune({ filters: [`labels."run"==${run}`] });
    assert.deepEqual(result.containers, [id]);
    await assert.rejects(d.client.containers.load(id), NotFoundError);
    assert.equal(await d.client.networks.attachmentOf(id), undefined);
    assert.equal(await exists(attachment.netnsPath as string), false, "the pinned namespace");
    assert.equal(await exists(join(logRoot(), d.client.namespace, id)), false, "the logs");
    const { stdout } = await ctr(d, "snapshots", "ls");
    assert.ok(!stdout.includes(id), stdout);
  });

  test("finishes a delete a crashed client left half done: the attachment and logs of a gone container", async () => {
    const id = uniqueId("half");
    await crashedClient(id, uniqueId("run"));
    // The crashed client had deleted the task and the record, and died before the rest.
    const ns = { namespace: d.client.namespace };
    await d.client.raw.tasks.kill({ containerId: id, signal: 9, all: true }, ns);
    await d.client.raw.tasks.wait({ containerId: id }, ns);
    await d.client.raw.tasks.delete({ containerId: id }, ns);
    await d.client.raw.containers.delete({ id }, ns);
    const result = await d.client.prune({ filters: ["labels.nothing==matches"] });
    assert.deepEqual(result, { containers: [], networkAttachments: [id], logs: [id] });
    assert.equal(await d.client.networks.attachmentOf(id), undefined);
    assert.equal(await exists(join(logRoot(), d.client.namespace, id)), false);
  });

  test("an unknown option or a bad filter list is an InvalidArgumentError before any RPC", async () => {
    const before = await d.ctr.rpcCounts();
    await assert.rejects(
      d.client.prune({ filter: ["x"] } as never),
      (err: unknown) => err instanceof InvalidArgumentError && /did you mean filters/.test(err.message),
    );
    await assert.rejects(d.client.prune({ filters: "labels.a==b" } as never), InvalidArgumentError);
    assert.equal(rpcTotal(rpcDelta(before, await d.ctr.rpcCounts())), 0);
  });
});
