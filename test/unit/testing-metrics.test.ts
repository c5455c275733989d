import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRpcCounts, rpcDelta, rpcTotal } from "../../src/testing/index.js";

const SAMPLE = `# HELP grpc_server_handled_total Total number of RPCs completed on the server, regardless of success or failure.
# TYPE grpc_server_handled_total counter
grpc_server_handled_total{grpc_code="OK",grpc_method="Create",grpc_service="containerd.services.containers.v1.Containers",grpc_type="unary"} 3
grpc_server_handled_total{grpc_code="AlreadyExists",grpc_method="Create",grpc_service="containerd.services.containers.v1.Containers",grpc_type="unary"} 1
grpc_server_handled_total{grpc_code="OK",grpc_method="Version",grpc_service="containerd.services.version.v1.Version",grpc_type="unary"} 12
grpc_server_handled_total{grpc_code="NotFound",grpc_method="Get",grpc_service="containerd.services.tasks.v1.Tasks",grpc_type="unary"} 0
grpc_server_started_total{grpc_method="Create",grpc_service="containerd.services.containers.v1.Containers",grpc_type="unary"} 4
grpc_server_handled_total{grpc_code="OK",grpc_method="Subscribe",grpc_service="containerd.services.events.v1.Events",grpc_type="server_stream"} 2.0 1700000000000
`;

describe("parseRpcCounts", () => {
  test("keys counts by service/method and sums over status codes", () => {
    const counts = parseRpcCounts(SAMPLE);
    assert.equal(counts.get("containerd.services.containers.v1.Containers/Create"), 4);
    assert.equal(counts.get("containerd.services.version.v1.Version/Version"), 12);
  });

  test("keeps methods that were never called, with 0", () => {
    assert.equal(parseRpcCounts(SAMPLE).get("containerd.services.tasks.v1.Tasks/Get"), 0);
  });

  test("ignores other metrics, comments and a trailing timestamp", () => {
    const counts = parseRpcCounts(SAMPLE);
    assert.equal(counts.size, 4);
    assert.equal(counts.get("containerd.services.events.v1.Events/Subscribe"), 2);
  });

  test("reads escaped label values", () => {
    const line = 'grpc_server_handled_total{grpc_code="OK",grpc_method="A\\"b",grpc_service="s.S"} 1\n';
    assert.deepEqual([...parseRpcCounts(line)], [['s.S/A"b', 1]]);
  });

  test("returns an empty map for text without the counter", () => {
    assert.equal(parseRpcCounts("# nothing here\nprocess_cpu_seconds_total 1.5\n").size, 0);
  });
});

describe("rpcDelta and rpcTotal", () => {
  test("rpcDelta keeps only the methods whose count grew", () => {
    const before = new Map([
      ["a/X", 1],
      ["a/Y", 5],
    ]);
    const after = new Map([
      ["a/X", 3],
      ["a/Y", 5],
      ["a/Z", 1],
    ]);
    assert.deepEqual(
      rpcDelta(before, after),
      new Map([
        ["a/X", 2],
        ["a/Z", 1],
      ]),
    );
  });

  test("rpcTotal adds every count", () => {
    assert.equal(rpcTotal(parseRpcCounts(SAMPLE)), 18);
  });
});
