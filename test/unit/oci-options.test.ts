import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import {
  ALL_CAPABILITIES,
  applyProcessOptions,
  buildSpec,
  DEFAULT_CAPABILITIES,
  DEFAULT_PATH_ENV,
  defaultSpec,
  type Mount,
  mergeEnv,
  type Spec,
  type SpecOptions,
  toLinuxResources,
} from "../../src/oci/index.js";

const ctx = { namespace: "default", id: "web" };
const build = (opts: SpecOptions) => buildSpec(opts, ctx);

/** Asserts `fn` throws InvalidArgumentError for `field`, optionally with a message matching `message`. */
function rejects(fn: () => unknown, field: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.ok(err.message.startsWith(`${field}:`), `message names the field: ${err.message}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe("buildSpec: defaults", () => {
  test("no options gives the default spec", () => {
    assert.deepEqual(build({}), defaultSpec(ctx));
  });

  test("keys that are not spec options are ignored", () => {
    const opts = { rootfs: "/x", labels: { a: "b" }, args: ["/bin/sh"] } as SpecOptions;
    assert.deepEqual(build(opts).process?.args, ["/bin/sh"]);
  });

  test("an options value that is not an object is rejected", () => {
    rejects(() => buildSpec(null as unknown as SpecOptions, ctx), "options");
  });
});

describe("buildSpec: process", () => {
  test("args become process.args", () => {
    assert.deepEqual(build({ args: ["/bin/sh", "-c", "echo hi"] }).process?.args, [
      "/bin/sh",
      "-c",
      "echo hi",
    ]);
  });

  test("args must not be empty when given", () => {
    rejects(() => build({ args: [] }), "args", /must not be empty/);
  });

  test("args entries must be strings", () => {
    rejects(() => build({ args: ["/bin/sh", 1 as unknown as string] }), "args[1]");
  });

  test("env array entries are appended after PATH", () => {
    assert.deepEqual(build({ env: ["A=1", "B=two=2"] }).process?.env, [DEFAULT_PATH_ENV, "A=1", "B=two=2"]);
  });

  test("env object replaces PATH in place", () => {
    assert.deepEqual(build({ env: { PATH: "/bin", A: "1" } }).process?.env, ["PATH=/bin", "A=1"]);
  });

  test("env array entry without = is rejected", () => {
    rejects(() => build({ env: ["A=1", "NOVALUE"] }), "env[1]", /KEY=value/);
  });

  test("env entry with an empty name is rejected", () => {
    rejects(() => build({ env: ["=x"] }), "env[0]");
  });

  test("a key repeated in env keeps its last value", () => {
    assert.deepEqual(build({ env: ["A=1", "A=2"] }).process?.env, [DEFAULT_PATH_ENV, "A=2"]);
  });

  test("env object values must be strings", () => {
    rejects(() => build({ env: { A: 1 as unknown as string } }), "env.A");
  });

  test("cwd sets the working directory", () => {
    assert.equal(build({ cwd: "/srv" }).process?.cwd, "/srv");
  });

  test("cwd must be absolute", () => {
    rejects(() => build({ cwd: "rel" }), "cwd", /^cwd: "rel" must be an absolute path$/);
  });

  test("numeric user sets uid with gid 0", () => {
    assert.deepEqual(build({ user: 1000 }).process?.user, { uid: 1000, gid: 0 });
  });

  test('user "uid:gid" sets both ids', () => {
    assert.deepEqual(build({ user: "1000:100" }).process?.user, { uid: 1000, gid: 100 });
  });

  test('user "uid" string sets uid with gid 0', () => {
    assert.deepEqual(build({ user: "65534" }).process?.user, { uid: 65534, gid: 0 });
  });

  test("user names are rejected because nothing reads /etc/passwd", () => {
    rejects(() => build({ user: "nobody" }), "user", /names are not resolved/);
  });

  test("user:group names are rejected", () => {
    rejects(() => build({ user: "1000:staff" }), "user");
  });

  test("negative or fractional uid is rejected", () => {
    rejects(() => build({ user: -1 }), "user");
    rejects(() => build({ user: 1.5 }), "user");
  });

  test("uid above 2^32-1 is rejected", () => {
    rejects(() => build({ user: "4294967296" }), "user");
  });

  test("terminal sets process.terminal and TERM=xterm", () => {
    const { process } = build({ terminal: true });
    assert.equal(process?.terminal, true);
    assert.deepEqual(process?.env, [DEFAULT_PATH_ENV, "TERM=xterm"]);
  });

  test("TERM given in env wins over the terminal default", () => {
    assert.deepEqual(build({ terminal: true, env: { TERM: "screen" } }).process?.env, [
      DEFAULT_PATH_ENV,
      "TERM=screen",
    ]);
  });

  test("terminal false leaves terminal out of the JSON", () => {
    assert.equal("terminal" in (build({ terminal: false }).process ?? {}), false);
  });

  test("terminal must be a boolean", () => {
    rejects(() => build({ terminal: "yes" as unknown as boolean }), "terminal");
  });

  test("rlimits replace the default of the same type and append others", () => {
    const spec = build({
      rlimits: [
        { type: "nofile", soft: 4096, hard: 8192 },
        { type: "RLIMIT_NPROC", soft: 100, hard: 100 },
      ],
    });
    assert.deepEqual(spec.process?.rlimits, [
      { type: "RLIMIT_NOFILE", hard: 8192, soft: 4096 },
      { type: "RLIMIT_NPROC", hard: 100, soft: 100 },
    ]);
  });

  test("rlimit soft above hard is rejected", () => {
    rejects(() => build({ rlimits: [{ type: "nofile", soft: 10, hard: 5 }] }), "rlimits[0].soft");
  });

  test("unknown rlimit type is rejected", () => {
    rejects(() => build({ rlimits: [{ type: "files", soft: 1, hard: 1 }] }), "rlimits[0].type");
  });

  test("noNewPrivileges false removes the flag", () => {
    assert.equal(build({ noNewPrivileges: false }).process?.noNewPrivileges, undefined);
  });
});

describe("applyProcessOptions (exec)", () => {
  test("starts from the given process and leaves it untouched", () => {
    const base = defaultSpec(ctx).process;
    assert.ok(base);
    const before = structuredClone(base);
    const exec = applyProcessOptions(base, { args: ["/bin/ls"], env: ["X=1"], terminal: true });
    assert.deepEqual(exec.args, ["/bin/ls"]);
    assert.deepEqual(exec.env, [DEFAULT_PATH_ENV, "TERM=xterm", "X=1"]);
    assert.deepEqual(base, before);
  });

  test("terminal false turns off a terminal inherited from the container", () => {
    const base = { ...defaultSpec(ctx).process, terminal: true, user: { uid: 0, gid: 0 }, cwd: "/" };
    assert.equal(applyProcessOptions(base, { terminal: false }).terminal, undefined);
  });

  test("a new user drops the previous user's additional groups", () => {
    const base = { user: { uid: 0, gid: 0, additionalGids: [10] }, cwd: "/" };
    assert.deepEqual(applyProcessOptions(base, { user: "5:6" }).user, { uid: 5, gid: 6 });
  });
});

describe("mergeEnv", () => {
  test("replaces same keys in place and appends new ones", () => {
    assert.deepEqual(mergeEnv(["A=1", "B=2"], ["B=3", "C=4"]), ["A=1", "B=3", "C=4"]);
  });
});

describe("buildSpec: hostname, mounts, rootfs", () => {
  test("hostname is set", () => {
    assert.equal(build({ hostname: "box" }).hostname, "box");
  });

  test("hostname longer than 64 characters is rejected", () => {
    rejects(() => build({ hostname: "h".repeat(65) }), "hostname");
  });

  test("hostname with a host uts namespace is rejected", () => {
    rejects(() => build({ hostname: "box", hostNamespaces: ["uts"] }), "hostname", /uts/);
  });

  test("mounts are appended after the defaults", () => {
    const data = { destination: "/data", type: "bind", source: "/srv/data", options: ["rbind", "ro"] };
    const mounts = build({ mounts: [data] }).mounts ?? [];
    assert.equal(mounts.length, 8);
    assert.deepEqual(mounts.at(-1), data);
  });

  test("a mount at a default destination replaces it in place", () => {
    const shm = { destination: "/dev/shm/", type: "tmpfs", source: "shm", options: ["size=1g"] };
    const mounts = build({ mounts: [shm] }).mounts ?? [];
    assert.equal(mounts.length, 7);
    assert.deepEqual(mounts[3], shm);
    assert.equal(mounts.filter((m) => m.destination.startsWith("/dev/shm")).length, 1);
  });

  test("the caller's mount objects are copied, not shared", () => {
    const data = { destination: "/data", type: "bind", source: "/srv", options: ["rbind"] };
    const spec = build({ mounts: [data] });
    spec.mounts?.at(-1)?.options?.push("ro");
    assert.deepEqual(data.options, ["rbind"]);
  });

  test("mount destination must be absolute", () => {
    rejects(
      () => build({ mounts: [{ destination: "data", type: "bind", source: "/srv" }] }),
      "mounts[0].destination",
    );
  });

  test("two mounts at the same destination are rejected", () => {
    const m = { destination: "/data", type: "bind", source: "/srv" };
    rejects(() => build({ mounts: [m, { ...m, destination: "/data/" }] }), "mounts[1].destination", /twice/);
  });

  test("mount options must be strings", () => {
    const bad = { destination: "/d", options: ["ro", 1] } as unknown as Mount;
    rejects(() => build({ mounts: [bad] }), "mounts[0].options[1]");
  });

  test("readonlyRootfs marks root read-only", () => {
    assert.deepEqual(build({ readonlyRootfs: true }).root, { path: "rootfs", readonly: true });
  });
});

describe("buildSpec: namespaces and security", () => {
  test("hostNamespaces removes the listed namespaces", () => {
    assert.deepEqual(build({ hostNamespaces: ["network", "pid"] }).linux?.namespaces, [
      { type: "ipc" },
      { type: "uts" },
      { type: "mount" },
    ]);
  });

  test("unknown host namespace is rejected", () => {
    rejects(() => build({ hostNamespaces: ["net" as "network"] }), "hostNamespaces[0]");
  });

  test("the mount namespace cannot be shared with the host", () => {
    rejects(() => build({ hostNamespaces: ["mount" as "network"] }), "hostNamespaces[0]");
  });

  test("capAdd accepts names with or without CAP_ and in any case", () => {
    const caps = build({ capAdd: ["NET_ADMIN", "CAP_SYS_PTRACE", "sys_time"] }).process?.capabilities;
    for (const set of [caps?.bounding, caps?.effective, caps?.permitted]) {
      assert.deepEqual(set?.slice(-3), ["CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_TIME"]);
      assert.equal(set?.length, DEFAULT_CAPABILITIES.length + 3);
    }
  });

  test("capAdd of a capability already present does not duplicate it", () => {
    assert.equal(
      build({ capAdd: ["CHOWN"] }).process?.capabilities?.bounding?.length,
      DEFAULT_CAPABILITIES.length,
    );
  });

  test("capDrop removes from bounding, effective and permitted", () => {
    const caps = build({ capDrop: ["NET_RAW", "CAP_MKNOD"] }).process?.capabilities;
    for (const set of [caps?.bounding, caps?.effective, caps?.permitted]) {
      assert.equal(set?.includes("CAP_NET_RAW"), false);
      assert.equal(set?.includes("CAP_MKNOD"), false);
      assert.equal(set?.length, DEFAULT_CAPABILITIES.length - 2);
    }
  });

  test('capDrop "ALL" with capAdd keeps only the added capabilities', () => {
    const caps = build({ capDrop: ["ALL"], capAdd: ["NET_BIND_SERVICE"] }).process?.capabilities;
    assert.deepEqual(caps, {
      bounding: ["CAP_NET_BIND_SERVICE"],
      effective: ["CAP_NET_BIND_SERVICE"],
      permitted: ["CAP_NET_BIND_SERVICE"],
    });
  });

  test("unknown capability name is rejected", () => {
    rejects(() => build({ capAdd: ["FLY"] }), "capAdd[0]", /not a known capability/);
  });

  test("privileged grants every capability", () => {
    const caps = build({ privileged: true }).process?.capabilities;
    assert.deepEqual(caps?.bounding, [...ALL_CAPABILITIES]);
    assert.deepEqual(caps?.effective, [...ALL_CAPABILITIES]);
    assert.deepEqual(caps?.permitted, [...ALL_CAPABILITIES]);
  });

  test("privileged removes masked and read-only paths", () => {
    const { linux } = build({ privileged: true });
    assert.equal(linux?.maskedPaths, undefined);
    assert.equal(linux?.readonlyPaths, undefined);
  });

  test("privileged mounts /sys read-write", () => {
    const sys = build({ privileged: true }).mounts?.find((m) => m.destination === "/sys");
    assert.deepEqual(sys?.options, ["nosuid", "noexec", "nodev", "rw"]);
  });

  test("privileged allows all devices", () => {
    assert.deepEqual(build({ privileged: true }).linux?.resources?.devices, [{ allow: true, access: "rwm" }]);
  });

  test("capDrop still applies to a privileged container", () => {
    const caps = build({ privileged: true, capDrop: ["SYS_ADMIN"] }).process?.capabilities;
    assert.equal(caps?.bounding?.includes("CAP_SYS_ADMIN"), false);
    assert.equal(caps?.bounding?.length, ALL_CAPABILITIES.length - 1);
  });

  test("annotations are set", () => {
    assert.deepEqual(build({ annotations: { "io.example/a": "1" } }).annotations, { "io.example/a": "1" });
  });

  test("annotation values must be strings", () => {
    rejects(() => build({ annotations: { a: 1 as unknown as string } }), "annotations.a");
  });
});

describe("buildSpec: resources", () => {
  test("resources land in linux.resources next to the device rules", () => {
    const resources = build({ resources: { memory: 64 * 1024 * 1024, pids: 100 } }).linux?.resources;
    assert.equal(resources?.memory?.limit, 67108864);
    assert.deepEqual(resources?.pids, { limit: 100 });
    assert.equal(resources?.devices?.length, 10);
  });

  test("memory, reservation and swap map to the memory group", () => {
    assert.deepEqual(toLinuxResources({ memory: 1000, memoryReservation: 500, memorySwap: 2000 }), {
      memory: { limit: 1000, reservation: 500, swap: 2000 },
    });
  });

  test("memorySwap -1 means unlimited swap", () => {
    assert.deepEqual(toLinuxResources({ memory: 1000, memorySwap: -1 }).memory, { limit: 1000, swap: -1 });
  });

  test("memorySwap below memory is rejected", () => {
    rejects(() => toLinuxResources({ memory: 1000, memorySwap: 500 }), "resources.memorySwap");
  });

  test("memoryReservation above memory is rejected", () => {
    rejects(() => toLinuxResources({ memory: 1000, memoryReservation: 2000 }), "resources.memoryReservation");
  });

  test("negative memory is rejected", () => {
    rejects(() => build({ resources: { memory: -1 } }), "resources.memory");
  });

  test("non-integer memory is rejected", () => {
    rejects(() => build({ resources: { memory: 1.5 } }), "resources.memory", /integer/);
  });

  test("cpus: 1.5 becomes quota 150000 over period 100000", () => {
    assert.deepEqual(toLinuxResources({ cpus: 1.5 }), { cpu: { quota: 150000, period: 100000 } });
  });

  test("cpus: 0.5 becomes quota 50000", () => {
    assert.equal(toLinuxResources({ cpus: 0.5 }).cpu?.quota, 50000);
  });

  test("cpus <= 0 is rejected", () => {
    rejects(() => toLinuxResources({ cpus: 0 }), "resources.cpus");
    rejects(() => toLinuxResources({ cpus: -2 }), "resources.cpus");
  });

  test("cpus below 0.01 is rejected", () => {
    rejects(() => toLinuxResources({ cpus: 0.001 }), "resources.cpus", /0\.01/);
  });

  test("cpus combined with cpuQuota is rejected", () => {
    rejects(() => toLinuxResources({ cpus: 1, cpuQuota: 50000 }), "resources.cpus");
  });

  test("cpuShares, cpuQuota, cpuPeriod and cpusets map to the cpu group", () => {
    assert.deepEqual(
      toLinuxResources({
        cpuShares: 512,
        cpuQuota: 20000,
        cpuPeriod: 50000,
        cpusetCpus: "0-1,3",
        cpusetMems: "0",
      }),
      { cpu: { shares: 512, quota: 20000, period: 50000, cpus: "0-1,3", mems: "0" } },
    );
  });

  test("cpuShares outside 2..262144 is rejected", () => {
    rejects(() => toLinuxResources({ cpuShares: 1 }), "resources.cpuShares");
  });

  test("malformed cpusetCpus is rejected", () => {
    rejects(() => toLinuxResources({ cpusetCpus: "0-" }), "resources.cpusetCpus");
  });

  test("pids must be a positive integer", () => {
    rejects(() => toLinuxResources({ pids: 0 }), "resources.pids");
  });

  test("an unknown resource key is rejected", () => {
    rejects(
      () => toLinuxResources({ memoryLimit: 5 } as never),
      "resources.memoryLimit",
      /^resources\.memoryLimit: unknown option/,
    );
  });

  test("empty resources give an empty object", () => {
    assert.deepEqual(toLinuxResources({}), {});
  });
});

describe("buildSpec: a base spec", () => {
  const custom: Spec = {
    ociVersion: "1.0.2",
    process: { user: { uid: 1, gid: 1 }, cwd: "/", args: ["/bin/true"] },
    root: { path: "rootfs" },
  };

  test("alone, it is returned as a deep copy", () => {
    const spec = build({ spec: custom });
    assert.deepEqual(spec, custom);
    assert.notEqual(spec, custom);
    spec.process?.args?.push("x");
    assert.deepEqual(custom.process?.args, ["/bin/true"]);
  });

  test("undefined fields vanish the way JSON drops them", () => {
    const spec = build({ spec: { ...custom, hostname: undefined } });
    assert.equal("hostname" in spec, false);
  });

  test("the other options apply on top of it, as on the default spec", () => {
    const spec = build({
      spec: custom,
      args: ["/bin/sh"],
      cwd: "/srv",
      env: { A: "1" },
      hostname: "web",
      resources: { pids: 5 },
    });
    assert.deepEqual(spec.process, {
      user: { uid: 1, gid: 1 },
      cwd: "/srv",
      args: ["/bin/sh"],
      env: ["A=1"],
    });
    assert.equal(spec.hostname, "web");
    assert.deepEqual(spec.linux, { resources: { pids: { limit: 5 } } });
    assert.deepEqual(spec.root, custom.root);
  });

  test("a section no option touches stays absent", () => {
    const spec = build({ spec: { ociVersion: "1.0.2" }, annotations: { a: "b" } });
    assert.deepEqual(spec, { ociVersion: "1.0.2", annotations: { a: "b" } });
  });

  test("it must have an ociVersion", () => {
    rejects(() => build({ spec: {} as Spec }), "spec");
  });
});

describe("buildSpec: wire form", () => {
  test("a fully optioned spec survives a JSON round trip unchanged", () => {
    const spec = build({
      args: ["/bin/sh"],
      env: { A: "1" },
      cwd: "/tmp",
      user: "1:2",
      hostname: "h",
      terminal: true,
      mounts: [{ destination: "/d", type: "tmpfs", source: "tmpfs" }],
      resources: { memory: 1 << 20, cpus: 2, pids: 10 },
      readonlyRootfs: true,
      hostNamespaces: ["network"],
      capAdd: ["NET_ADMIN"],
      annotations: { a: "b" },
    });
    const json = JSON.stringify(spec);
    assert.doesNotMatch(json, /null/);
    assert.deepEqual(JSON.parse(json), spec);
  });
});
