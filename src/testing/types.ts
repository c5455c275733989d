import type { Client } from "../client.js";
import type { RpcCounts } from "./metrics.js";
import type { TestCertificates } from "./tls.js";

/** containerd's `[debug] level`. */
export type ContainerdLogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "panic";

/** How {@link startContainerd} starts the private daemon. */
export interface StartContainerdOptions {
  /** Namespace of `instance.client`. Default `"default"`. */
  namespace?: string;
  /**
   * Serve Prometheus metrics on a free loopback port, which `rpcCounts()` reads. Off by default:
   * it costs a TCP port and a little start-up time.
   */
  metrics?: boolean;
  /** The containerd executable: a path, or a name looked up on `$PATH`. Default `"containerd"`. */
  binary?: string;
  /**
   * A directory holding `containerd`, `ctr` and `containerd-shim-runc-v2` of one release (what
   * `scripts/fetch-containerd <suite>` prints). The daemon runs `<binaries>/containerd` with this
   * directory first on its PATH, so it starts its own shim. Default: `$CONTAINERD_SDK_TEST_BINARIES`,
   * else the containerd on PATH. Ignored when `binary` is given.
   */
  binaries?: string;
  /**
   * Also serve the API on loopback TCP with mutual TLS, with a CA and certificates made by openssl
   * for this instance: `tcpAddress` is a TLS gateway to the socket (`serveOverTls` from
   * `containerd-sdk/daemon`), `daemonTcpAddress` containerd's own `[grpc] tcp_address` (which
   * serves only CRI). See `tls` for the client's files. `client` still uses the unix socket.
   */
  tls?: boolean;
  /** Milliseconds to wait for the daemon to serve, at start and after `restart()`. Default 20000. */
  startTimeout?: number;
  /** Shorthand for `logLevel: "debug"`. */
  debug?: boolean;
  /** containerd's log level in `<dir>/containerd.log`. Default `"info"`. */
  logLevel?: ContainerdLogLevel;
}

/** How {@link ContainerdInstance.restart} takes the daemon down. */
export interface RestartOptions {
  /**
   * The signal that stops the daemon (as child_process's `killSignal`): `"SIGKILL"` simulates a crash,
   * containerd gets no chance to shut down. Default `"SIGTERM"`.
   */
  killSignal?: "SIGTERM" | "SIGKILL";
  /**
   * Runs while no daemon is up, e.g. to let a task exit during the outage. The restart waits for it;
   * if it throws, the daemon still starts again and restart() rejects with that error.
   */
  whileDown?: () => unknown;
}

/**
 * A private containerd: its own socket, root, state and FIFO directories under one temp dir,
 * removed with everything the daemon started when `stop()` runs.
 */
export interface ContainerdInstance extends AsyncDisposable {
  /** The socket path, as `Client.connect({ address })`, `ctr --address` and `$CONTAINERD_ADDRESS` take it. */
  readonly address: string;
  /** Same path as `address`; named for code that treats it as a file. */
  readonly socket: string;
  /** containerd's `root` (content, metadata, snapshots). */
  readonly root: string;
  /** containerd's `state` (task bundles). */
  readonly state: string;
  /** The temp dir that holds everything else; gone after `stop()`. */
  readonly dir: string;
  /** A private FIFO directory (0700) to use instead of /run/containerd/fifo. */
  readonly fifoDir: string;
  /** containerd's log file. */
  readonly logPath: string;
  /** `127.0.0.1:PORT` of the metrics endpoint, when started with `metrics: true`. */
  readonly metricsAddress?: string;
  /**
   * With `tls: true`: `tcp://127.0.0.1:PORT` of a mutual-TLS gateway to this daemon's socket, for
   * `Client.connect({ address: tcpAddress, tls })`. Closed by `stop()`.
   */
  readonly tcpAddress?: string;
  /**
   * With `tls: true`: containerd's own `[grpc] tcp_address` (mutual TLS with the same CA). containerd
   * serves only CRI there (disabled here), so the SDK's services answer UNIMPLEMENTED on it.
   */
  readonly daemonTcpAddress?: string;
  /**
   * With `tls: true`: `Client.connect({ address: tcpAddress, tls })` options (file paths of the CA and
   * of a client certificate the daemon accepts; `serverName` "localhost", which the server
   * certificate names): exactly what `Client.connect`'s `tls` takes.
   */
  readonly tls?: { ca: string; cert: string; key: string; serverName: string };
  /** With `tls: true`: every certificate and key the instance made, CA key included. */
  readonly certificates?: TestCertificates;
  /** The daemon's pid; undefined while it is down. SIGKILL it to test a crash, then `restart()`. */
  readonly pid: number | undefined;
  /**
   * The daemon's release as its `--version` prints it, without suffixes (`"1.6.20"`, `"2.1.9"`), known
   * before it starts; `client.version()` asks the running daemon.
   */
  readonly version: string;
  /** Connected in `namespace`; closed by `stop()`. The same object across `restart()`. */
  readonly client: Client;
  /** Builds a fresh busybox rootfs under `dir` (one per call, writable) and returns its absolute path. */
  rootfs(): Promise<string>;
  /**
   * RPCs the daemon has answered, by `"<grpc service>/<method>"` (e.g.
   * `"containerd.services.containers.v1.Containers/Create"`), summed over status codes. Counters
   * restart from zero with the daemon. Needs `metrics: true`.
   */
  rpcCounts(): Promise<RpcCounts>;
  /**
   * Stops and starts the daemon process only; shims and containers keep running, as after a
   * containerd upgrade. Resolves once `client` answers again. Also brings back a daemon that died.
   */
  restart(options?: RestartOptions): Promise<void>;
  /**
   * Closes the client, stops the daemon, kills every shim and container it started, removes their
   * cgroups and mounts and the temp dir. Idempotent.
   */
  stop(): Promise<void>;
}
