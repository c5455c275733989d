import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** @internal Every path of one private daemon, all inside `dir`. */
export interface Layout {
  dir: string;
  root: string;
  state: string;
  temp: string;
  socket: string;
  fifoDir: string;
  configPath: string;
  logPath: string;
  /** The client's network state (`ConnectOptions.network.stateDir`): its networks stay private. */
  networkDir: string;
}

// sun_path holds 108 bytes; the longest socket we make is `<dir>/containerd.sock.ttrpc`.
const MAX_SOCKET_PATH = 100;
const LONGEST_NAME = "/containerd.sock.ttrpc";
const PREFIX = "containerd-sdk-";

function baseDir(): string {
  const base = tmpdir();
  const longest = join(base, `${PREFIX}XXXXXX`).length + LONGEST_NAME.length;
  return longest <= MAX_SOCKET_PATH ? base : "/tmp";
}

/** @internal Makes the temp dir and its subdirectories. The FIFO dir is 0700: FIFOs carry stdio. */
export async function createLayout(): Promise<Layout> {
  const dir = await mkdtemp(join(baseDir(), PREFIX));
  const layout: Layout = {
    dir,
    root: join(dir, "root"),
    state: join(dir, "state"),
    temp: join(dir, "tmp"),
    socket: join(dir, "containerd.sock"),
    fifoDir: join(dir, "fifo"),
    configPath: join(dir, "config.toml"),
    logPath: join(dir, "containerd.log"),
    networkDir: join(dir, "cni"),
  };
  await Promise.all([
    mkdir(layout.root, { mode: 0o700 }),
    mkdir(layout.state, { mode: 0o700 }),
    mkdir(layout.temp, { mode: 0o700 }),
    mkdir(layout.fifoDir, { mode: 0o700 }),
  ]);
  return layout;
}
