/** @internal Where one private daemon keeps everything, and what it listens on. */
export interface DaemonConfig {
  root: string;
  state: string;
  temp: string;
  socket: string;
  metricsAddress?: string;
  logLevel: string;
}

// CRI needs network and is slow to start; opt creates /opt/containerd; the other snapshotters only
// probe and fail. overlayfs and native stay. The v1 runtime cannot go: the tasks service needs it.
const DISABLED_PLUGINS = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
];

// JSON strings are valid TOML basic strings for the paths we write.
const str = (value: string): string => JSON.stringify(value);

/** @internal containerd's config.toml (version 2) for a private daemon. */
export function renderConfig(config: DaemonConfig): string {
  const lines = [
    "version = 2",
    `root = ${str(config.root)}`,
    `state = ${str(config.state)}`,
    // Temporary mounts (image unpack) then land inside our directory, where stop() finds them.
    `temp = ${str(config.temp)}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(str).join(", ")}]`,
    "",
    "[grpc]",
    `  address = ${str(config.socket)}`,
    "",
    "[ttrpc]",
    `  address = ${str(`${config.socket}.ttrpc`)}`,
    "",
    "[debug]",
    `  level = ${str(config.logLevel)}`,
  ];
  if (config.metricsAddress) lines.push("", "[metrics]", `  address = ${str(config.metricsAddress)}`);
  return `${lines.join("\n")}\n`;
}
