import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backoffDelay, MAX_BACKOFF_MS } from "../../src/base/backoff.js";
import { decodeEnvelope } from "../../src/events/decode.js";
import { assertFilter } from "../../src/events/filters.js";
import { ProcessRecord } from "../../src/events/process-record.js";
import { encodeAny, filters, InvalidArgumentError } from "../../src/index.js";

describe("event filters", () => {
  test("filters.topic quotes the value as a Go string", () => {
    assert.equal(filters.topic("/tasks/exit"), 'topic=="/tasks/exit"');
    assert.equal(filters.topic('a"b\\c'), 'topic=="a\\"b\\\\c"');
  });

  test("filters.and joins selectors with commas; a label key with dots is quoted", () => {
    assert.equal(
      filters.and(filters.namespace("ns"), filters.label("io.k8s/app", "web")),
      'namespace=="ns",labels."io.k8s/app"=="web"',
    );
    assert.equal(filters.containerId("c1"), 'event.container_id=="c1"');
    assert.equal(filters.topicMatches(/^\/tasks\//), 'topic~="^\\\\/tasks\\\\/"');
    assert.equal(filters.present("topic"), "topic");
  });

  test("every filter the builder makes passes the grammar check", () => {
    for (const f of [
      filters.topic('weird " , value'),
      filters.and(filters.topicMatches("^/tasks/"), filters.containerId("x")),
      filters.label("a.b", "c"),
      "topic~=|^/tasks/|",
      "topic~=/tasks/",
      "labels.app",
      'namespace=="default",topic~="^/tasks/"',
    ]) {
      assertFilter(f);
    }
  });

  test("a malformed filter is an InvalidArgumentError naming filters", () => {
    for (const bad of ["==", "topic==", 'topic=="open', "a,,b", "topic==a b", "1abc==x", "a.==b"]) {
      assert.throws(
        () => assertFilter(bad),
        (err: unknown) => err instanceof InvalidArgumentError && err.field === "filters",
        bad,
      );
    }
  });

  test("an unknown operator given to filters.field is an InvalidArgumentError", () => {
    assert.throws(() => filters.field("topic", "<>" as never, "x"), InvalidArgumentError);
  });
});

describe("event decoding", () => {
  const timestamp = new Date(1_700_000_000_000);

  test("a task exit decodes to its typed payload", () => {
    const exitedAt = new Date(1_700_000_000_500);
    const ev = decodeEnvelope({
      timestamp,
      namespace: "ns",
      topic: "/tasks/exit",
      event: encodeAny("containerd.events.TaskExit", {
        containerId: "c",
        id: "c",
        pid: 7,
        exitStatus: 3,
        exitedAt,
      }),
    });
    assert.ok(ev.topic === "/tasks/exit");
    assert.deepEqual(ev.event, { containerId: "c", id: "c", pid: 7, exitStatus: 3, exitedAt });
    assert.equal(ev.typeUrl, "containerd.events.TaskExit");
    assert.equal(ev.timestamp, timestamp);
  });

  test("an unknown type URL is the unknown variant with the raw bytes, never a crash", () => {
    const ev = decodeEnvelope({
      timestamp,
      namespace: "ns",
      topic: "/tasks/exit",
      event: { typeUrl: "example.com/Nope", value: new Uint8Array([9]) },
    });
    assert.ok(ev.topic === "unknown");
    assert.equal(ev.originalTopic, "/tasks/exit");
    assert.deepEqual([...(ev.event as Uint8Array)], [9]);
  });

  test("a known type on an unexpected topic is the unknown variant, decoded", () => {
    const ev = decodeEnvelope({
      timestamp,
      namespace: "ns",
      topic: "/custom",
      event: encodeAny("containerd.events.ContainerDelete", { id: "x" }),
    });
    assert.ok(ev.topic === "unknown");
    assert.deepEqual(ev.event, { id: "x" });
  });

  test("an envelope without a payload is the unknown variant", () => {
    const ev = decodeEnvelope({ timestamp: undefined, namespace: "ns", topic: "/x", event: undefined });
    assert.equal(ev.topic, "unknown");
    assert.equal(ev.timestamp.getTime(), 0);
  });
});

describe("reconnect backoff", () => {
  test("grows from the first delay and stays under the cap, with jitter", () => {
    assert.equal(
      backoffDelay(0, () => 0),
      25,
    );
    assert.equal(
      backoffDelay(0, () => 1),
      50,
    );
    assert.ok(backoffDelay(3, () => 1) > backoffDelay(2, () => 1));
    for (let attempt = 0; attempt < 40; attempt++) assert.ok(backoffDelay(attempt) <= MAX_BACKOFF_MS);
    assert.equal(
      backoffDelay(30, () => 1),
      MAX_BACKOFF_MS,
    );
  });
});

describe("process records", () => {
  const exit = (pid: number, code: number) => ({ pid, exitStatus: code, exitedAt: new Date(pid) });

  test("the first exit with the record's pid settles it; a repeat is ignored", async () => {
    const r = new ProcessRecord("ns", "c", "", 10);
    assert.equal(r.offer(exit(10, 1)), true);
    assert.equal(r.offer(exit(10, 2)), false);
    assert.equal((await r.exit).exitCode, 1);
  });

  test("an exit with another pid belongs to an earlier process and is ignored", () => {
    const r = new ProcessRecord("ns", "c", "", 10);
    assert.equal(r.offer(exit(9, 1)), false);
    assert.equal(r.settled, false);
  });

  test("an exit that arrives before the pid is matched once the pid is known", async () => {
    const r = new ProcessRecord("ns", "c", "e");
    r.offer(exit(4, 9));
    r.offer(exit(5, 3));
    r.setPid(5);
    assert.equal((await r.exit).exitCode, 3);
  });

  test("listeners hear the exit once and are dropped", () => {
    const r = new ProcessRecord("ns", "c", "", 1);
    const heard: number[] = [];
    r.listen((s) => heard.push(s.exitCode));
    r.settle({ exitCode: 0, exitedAt: new Date() });
    r.settle({ exitCode: 1, exitedAt: new Date() });
    assert.deepEqual(heard, [0]);
  });
});
