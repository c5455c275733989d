/** @internal Where one private daemon keeps everything, and what it listens on. */
export interface DaemonConfig {
  root: string;
  state: string;
  temp: string;
  socket: string;
  metricsAddress?: string;
  /** `127.0.0.1:PORT` for `[grpc] tcp_address`, with the daemon's TLS files (mutual TLS). */
  tcp?: { address: string; ca: string; cert: string; key: string };
  logLevel: string;
  /**
   * containerd's major version: 1.x reads config `version = 2`; 2.x reads `version = 3` (it would
   * migrate a version 2 file on every start, and log that it did).
   */
  major: number;
}

// CRI needs network and is slow to start; opt creates /opt/containerd; the other snapshotters only
// probe and fail. overlayfs and native stay. The v1 runtime cannot go in 1.x: the tasks service
// needs it. NRI (on by default in 2.x) would listen on the machine-wide /var/run/nri/nri.sock, and
// 2.x's pod sandbox controller belongs to CRI. An id a version does not have is ignored by it.
const DISABLED_PLUGINS = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.cri.v1.images",
  "io.containerd.cri.v1.runtime",
  "io.containerd.podsandbox.controller.v1.podsandbox",
  "io.containerd.nri.v1.nri",
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.blockfile",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.erofs",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.differ.v1.erofs",
];

// JSON strings are valid TOML basic strings for the paths we write.
const str = (value: string): string => JSON.stringify(value);

/** @internal containerd's config.toml for a private daemon, in the format its version reads. */
export function renderConfig(config: DaemonConfig): string {
  const lines = [
    `version = ${config.major >= 2 ? 3 : 2}`,
    `root = ${str(config.root)}`,
    `state = ${str(config.state)}`,
    // Temporary mounts (image unpack) then land inside our directory, where stop() finds them.
    `temp = ${str(config.temp)}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(str).join(", ")}]`,
    "",
    "[grpc]",
    `  address = ${str(config.socket)}`,
    ...(config.tcp
      ? [
          `  tcp_address = ${str(config.tcp.address)}`,
          // With a CA, containerd requires and verifies client certificates: mutual TLS.
          `  tcp_tls_ca = ${str(config.tcp.ca)}`,
          `  tcp_tls_cert = ${str(config.tcp.cert)}`,
          `  tcp_tls_key = ${str(config.tcp.key)}`,
        ]
      : []),
    "",
    "[ttrpc]",
    `  address = ${str(`${config.socket}.ttrpc`)}`,
    "",
    "[debug]",
    `  level = ${str(config.logLevel)}`,
  ];
  // The handling-time histogram lets the bench set the daemon's share of each RPC beside the client's.
  if (config.metricsAddress)
    lines.push("", "[metrics]", `  address = ${str(config.metricsAddress)}`, "  grpc_histogram = true");
  return `${lines.join("\n")}\n`;
}
