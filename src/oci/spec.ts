/**
 * OCI runtime spec 1.0.2 as the JSON that containerd stores and runc reads.
 *
 * Keys are spelled exactly as on the wire, so a `Spec` is serialised with plain
 * `JSON.stringify`. Optional fields are omitted rather than set to `null`, matching
 * the `omitempty` tags of the Go bindings (`specs-go/config.go`). Integers are plain
 * `number`: every value the SDK produces fits in 2^53.
 *
 * @module
 */

/** The whole container configuration (`config.json`). */
export interface Spec {
  /** Runtime-spec version the document follows, e.g. `"1.0.2-dev"`. */
  ociVersion: string;
  process?: Process;
  root?: Root;
  hostname?: string;
  mounts?: Mount[];
  hooks?: Hooks;
  annotations?: Record<string, string>;
  linux?: Linux;
}

/** The container's init process (also the shape of an exec'd process). */
export interface Process {
  terminal?: boolean;
  consoleSize?: Box;
  user: User;
  /** argv; `args[0]` is resolved against `PATH` from `env` inside the container. */
  args?: string[];
  /** `KEY=value` entries. */
  env?: string[];
  /** Absolute path inside the container. */
  cwd: string;
  capabilities?: LinuxCapabilities;
  rlimits?: POSIXRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

/** Console size in character cells. */
export interface Box {
  height: number;
  width: number;
}

/** Numeric identity of the process; names are never resolved by the runtime. */
export interface User {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
  /** Windows only. */
  username?: string;
}

/** The root filesystem; `path` is relative to the bundle (containerd uses `"rootfs"`). */
export interface Root {
  path: string;
  readonly?: boolean;
}

/** One filesystem mount, applied in array order after the rootfs. */
export interface Mount {
  /** Absolute path inside the container. */
  destination: string;
  /** Filesystem type (`"bind"`, `"tmpfs"`, `"proc"` …). */
  type?: string;
  source?: string;
  /** fstab-style options (`"rbind"`, `"ro"`, `"size=65536k"` …). */
  options?: string[];
}

/** A program the runtime runs at a lifecycle point. */
export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  /** Seconds. */
  timeout?: number;
}

/** Lifecycle hooks (`prestart` is deprecated in favour of the create/start hooks). */
export interface Hooks {
  prestart?: Hook[];
  createRuntime?: Hook[];
  createContainer?: Hook[];
  startContainer?: Hook[];
  poststart?: Hook[];
  poststop?: Hook[];
}

/** Capability sets by name (`"CAP_CHOWN"` …). */
export interface LinuxCapabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

/** One rlimit; `type` is the C name (`"RLIMIT_NOFILE"`). */
export interface POSIXRlimit {
  type: string;
  hard: number;
  soft: number;
}

/** Linux-specific configuration. */
export interface Linux {
  uidMappings?: LinuxIDMapping[];
  gidMappings?: LinuxIDMapping[];
  sysctl?: Record<string, string>;
  resources?: LinuxResources;
  /** Cgroup path; containerd's default is `/<namespace>/<container id>`. */
  cgroupsPath?: string;
  namespaces?: LinuxNamespace[];
  /** Device nodes to create in the container's `/dev`. */
  devices?: LinuxDevice[];
  seccomp?: LinuxSeccomp;
  rootfsPropagation?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
  intelRdt?: LinuxIntelRdt;
  personality?: LinuxPersonality;
}

/** Namespace kinds the runtime can create or join. */
export type LinuxNamespaceType = "pid" | "network" | "mount" | "ipc" | "uts" | "user" | "cgroup";

/** A namespace to create (no `path`) or join (`path` to an existing one). */
export interface LinuxNamespace {
  type: LinuxNamespaceType;
  path?: string;
}

/** A user-namespace id range. */
export interface LinuxIDMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** Cgroup limits; also the payload of a task update. */
export interface LinuxResources {
  /** Device cgroup rules, evaluated in order; the last match wins. */
  devices?: LinuxDeviceCgroup[];
  memory?: LinuxMemory;
  cpu?: LinuxCPU;
  pids?: LinuxPids;
  blockIO?: LinuxBlockIO;
  hugepageLimits?: LinuxHugepageLimit[];
  network?: LinuxNetwork;
  rdma?: Record<string, LinuxRdma>;
  /** cgroup v2 files written verbatim (`"memory.high": "1G"`). */
  unified?: Record<string, string>;
}

/** Memory cgroup, all in bytes. */
export interface LinuxMemory {
  limit?: number;
  reservation?: number;
  /** Memory plus swap; `-1` is unlimited swap. */
  swap?: number;
  kernel?: number;
  kernelTCP?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
  useHierarchy?: boolean;
}

/** CPU and cpuset cgroups; times in microseconds. */
export interface LinuxCPU {
  shares?: number;
  quota?: number;
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  /** cpuset list, e.g. `"0-2,4"`. */
  cpus?: string;
  mems?: string;
}

/** Pids cgroup. */
export interface LinuxPids {
  limit: number;
}

/** blkio cgroup. */
export interface LinuxBlockIO {
  weight?: number;
  leafWeight?: number;
  weightDevice?: LinuxWeightDevice[];
  throttleReadBpsDevice?: LinuxThrottleDevice[];
  throttleWriteBpsDevice?: LinuxThrottleDevice[];
  throttleReadIOPSDevice?: LinuxThrottleDevice[];
  throttleWriteIOPSDevice?: LinuxThrottleDevice[];
}

/** A block device by number. */
export interface LinuxBlockIODevice {
  major: number;
  minor: number;
}

/** Per-device blkio weight. */
export interface LinuxWeightDevice extends LinuxBlockIODevice {
  weight?: number;
  leafWeight?: number;
}

/** Per-device blkio rate limit. */
export interface LinuxThrottleDevice extends LinuxBlockIODevice {
  rate: number;
}

/** Hugetlb limit for one page size (`"2MB"`). */
export interface LinuxHugepageLimit {
  pageSize: string;
  limit: number;
}

/** net_cls / net_prio cgroups. */
export interface LinuxNetwork {
  classID?: number;
  priorities?: LinuxInterfacePriority[];
}

/** net_prio priority of one interface. */
export interface LinuxInterfacePriority {
  name: string;
  priority: number;
}

/** RDMA cgroup limits of one device. */
export interface LinuxRdma {
  hcaHandles?: number;
  hcaObjects?: number;
}

/** A device node to create inside the container. */
export interface LinuxDevice {
  path: string;
  /** `"c"`, `"b"`, `"u"` or `"p"`. */
  type: string;
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** A device cgroup rule; absent `type`/`major`/`minor` match everything. */
export interface LinuxDeviceCgroup {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  /** Any of `r`, `w`, `m`. */
  access?: string;
}

/** Seccomp filter. */
export interface LinuxSeccomp {
  defaultAction: LinuxSeccompAction;
  architectures?: string[];
  flags?: string[];
  syscalls?: LinuxSyscall[];
}

/** What a seccomp rule does to a matching syscall. */
export type LinuxSeccompAction =
  | "SCMP_ACT_KILL"
  | "SCMP_ACT_KILL_PROCESS"
  | "SCMP_ACT_KILL_THREAD"
  | "SCMP_ACT_TRAP"
  | "SCMP_ACT_ERRNO"
  | "SCMP_ACT_TRACE"
  | "SCMP_ACT_ALLOW"
  | "SCMP_ACT_LOG"
  | "SCMP_ACT_NOTIFY";

/** Seccomp argument comparison. */
export type LinuxSeccompOperator =
  | "SCMP_CMP_NE"
  | "SCMP_CMP_LT"
  | "SCMP_CMP_LE"
  | "SCMP_CMP_EQ"
  | "SCMP_CMP_GE"
  | "SCMP_CMP_GT"
  | "SCMP_CMP_MASKED_EQ";

/** A seccomp rule for a set of syscalls. */
export interface LinuxSyscall {
  names: string[];
  action: LinuxSeccompAction;
  errnoRet?: number;
  args?: LinuxSeccompArg[];
}

/** A condition on one syscall argument. */
export interface LinuxSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: LinuxSeccompOperator;
}

/** Intel RDT (resctrl) settings. */
export interface LinuxIntelRdt {
  closID?: string;
  l3CacheSchema?: string;
  memBwSchema?: string;
}

/** personality(2) settings. */
export interface LinuxPersonality {
  domain: "LINUX" | "LINUX32";
  flags?: string[];
}
