import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { DEFAULT_CAPABILITIES, DEFAULT_PATH_ENV, defaultSpec } from "../../src/oci/index.js";

const ctx = { namespace: "default", id: "web" };

describe("defaultSpec", () => {
  test("uses runtime-spec version 1.0.2-dev and the bundle's rootfs directory", () => {
    const spec = defaultSpec(ctx);
    assert.equal(spec.ociVersion, "1.0.2-dev");
    assert.deepEqual(spec.root, { path: "rootfs" });
  });

  test("process runs as root in / with no new privileges and no args", () => {
    const { process } = defaultSpec(ctx);
    assert.deepEqual(process?.user, { uid: 0, gid: 0 });
    assert.equal(process?.cwd, "/");
    assert.equal(process?.noNewPrivileges, true);
    assert.equal(process?.args, undefined);
    assert.equal(process?.terminal, undefined);
  });

  test("env holds only containerd's default PATH", () => {
    assert.deepEqual(defaultSpec(ctx).process?.env, [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ]);
    assert.equal(DEFAULT_PATH_ENV, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  });

  test("bounding, permitted and effective hold containerd's 14 default capabilities", () => {
    const caps = defaultSpec(ctx).process?.capabilities;
    const expected = [
      "CAP_CHOWN",
      "CAP_DAC_OVERRIDE",
      "CAP_FSETID",
      "CAP_FOWNER",
      "CAP_MKNOD",
      "CAP_NET_RAW",
      "CAP_SETGID",
      "CAP_SETUID",
      "CAP_SETFCAP",
      "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT",
      "CAP_KILL",
      "CAP_AUDIT_WRITE",
    ];
    assert.deepEqual(caps, { bounding: expected, effective: expected, permitted: expected });
    assert.deepEqual([...DEFAULT_CAPABILITIES], expected);
  });

  test("RLIMIT_NOFILE is 1024 soft and hard", () => {
    assert.deepEqual(defaultSpec(ctx).process?.rlimits, [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }]);
  });

  test("mounts are containerd's seven defaults with their exact options, in order", () => {
    assert.deepEqual(defaultSpec(ctx).mounts, [
      { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
      {
        destination: "/dev",
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
      },
      {
        destination: "/dev/pts",
        type: "devpts",
        source: "devpts",
        options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
      },
      {
        destination: "/dev/shm",
        type: "tmpfs",
        source: "shm",
        options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
      },
      {
        destination: "/dev/mqueue",
        type: "mqueue",
        source: "mqueue",
        options: ["nosuid", "noexec", "nodev"],
      },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      {
        destination: "/run",
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
      },
    ]);
  });

  test("masked and read-only paths match containerd", () => {
    const { linux } = defaultSpec(ctx);
    assert.deepEqual(linux?.maskedPaths, [
      "/proc/acpi",
      "/proc/asound",
      "/proc/kcore",
      "/proc/keys",
      "/proc/latency_stats",
      "/proc/timer_list",
      "/proc/timer_stats",
      "/proc/sched_debug",
      "/sys/firmware",
      "/proc/scsi",
    ]);
    assert.deepEqual(linux?.readonlyPaths, [
      "/proc/bus",
      "/proc/fs",
      "/proc/irq",
      "/proc/sys",
      "/proc/sysrq-trigger",
    ]);
  });

  test("cgroupsPath is /<namespace>/<id>", () => {
    assert.equal(defaultSpec({ namespace: "k8s.io", id: "abc" }).linux?.cgroupsPath, "/k8s.io/abc");
  });

  test("pid, ipc, uts, mount and network namespaces are private", () => {
    assert.deepEqual(defaultSpec(ctx).linux?.namespaces, [
      { type: "pid" },
      { type: "ipc" },
      { type: "uts" },
      { type: "mount" },
      { type: "network" },
    ]);
  });

  test("device cgroup denies everything, then allows the standard char devices", () => {
    const rule = (major: number, minor?: number) =>
      minor === undefined
        ? { allow: true, type: "c", major, access: "rwm" }
        : { allow: true, type: "c", major, minor, access: "rwm" };
    assert.deepEqual(defaultSpec(ctx).linux?.resources, {
      devices: [
        { allow: false, access: "rwm" },
        rule(1, 3),
        rule(1, 8),
        rule(1, 7),
        rule(5, 0),
        rule(1, 5),
        rule(1, 9),
        rule(5, 1),
        rule(136),
        rule(5, 2),
      ],
    });
  });

  test("no other top-level fields are set", () => {
    assert.deepEqual(Object.keys(defaultSpec(ctx)).sort(), [
      "linux",
      "mounts",
      "ociVersion",
      "process",
      "root",
    ]);
  });

  test("JSON has no null or undefined values", () => {
    const json = JSON.stringify(defaultSpec(ctx));
    assert.doesNotMatch(json, /null/);
    assert.deepEqual(JSON.parse(json), defaultSpec(ctx));
  });

  test("each call returns an independent object", () => {
    const a = defaultSpec(ctx);
    a.process?.env?.push("X=1");
    a.mounts?.[0]?.options?.push("ro");
    a.process?.capabilities?.bounding?.pop();
    assert.deepEqual(defaultSpec(ctx).process?.env, [DEFAULT_PATH_ENV]);
    assert.deepEqual(defaultSpec(ctx).mounts?.[0]?.options, ["nosuid", "noexec", "nodev"]);
    assert.equal(defaultSpec(ctx).process?.capabilities?.bounding?.length, 14);
  });

  test("an empty namespace is rejected", () => {
    assert.throws(
      () => defaultSpec({ namespace: "", id: "web" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "namespace",
    );
  });

  test("an id with a slash is rejected because it would escape the cgroup", () => {
    assert.throws(
      () => defaultSpec({ namespace: "default", id: "../x" }),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === "id",
    );
  });
});
