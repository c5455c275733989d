import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { optionsObject } from "../base/call-options.js";
import { checkKillSignal } from "../base/kill-signal.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { invalid } from "../base/validate.js";
import type { Client } from "../client.js";
import type { TlsGateway } from "../daemon/tls-gateway.js";
import type { Daemon } from "./daemon.js";
import type { Layout } from "./layout.js";
import { debug } from "./log.js";
import { fetchRpcCounts, type RpcCounts } from "./metrics.js";
import { busyboxRootfs } from "./rootfs.js";
import { teardown } from "./teardown.js";
import type { TestCertificates } from "./tls.js";
import type { ContainerdInstance, RestartOptions } from "./types.js";
import { waitServing } from "./wait-serving.js";

const RESTART_KEYS = optionKeys<RestartOptions>()(["killSignal", "whileDown"]);

/** @internal What startContainerd hands over once the daemon serves. */
export interface InstanceParts {
  layout: Layout;
  daemon: Daemon;
  client: Client;
  namespace: string;
  startTimeout: number;
  metricsAddress?: string;
  /** With `tls: true`: containerd's own TCP listener, the TLS gateway, and the certificates. */
  tcp?: { daemonAddress: string; certificates: TestCertificates; gateway: TlsGateway };
  /** What `containerd --version` said, e.g. `"2.1.9"`. */
  version: string;
  /** Adds containerd.log's tail to a start-up failure. */
  explainError: (err: unknown) => Promise<Error>;
}

/** @internal The running private daemon behind {@link ContainerdInstance}. */
export class Instance implements ContainerdInstance {
  readonly address: string;
  readonly socket: string;
  readonly root: string;
  readonly state: string;
  readonly dir: string;
  readonly fifoDir: string;
  readonly logPath: string;
  readonly metricsAddress?: string;
  readonly tcpAddress?: string;
  readonly daemonTcpAddress?: string;
  /** With `tls: true`: what `Client.connect({ address: tcpAddress, tls })` needs (the CA and a client certificate). */
  readonly tls?: { ca: string; cert: string; key: string; serverName: string };
  /** With `tls: true`: every certificate and key the instance made, to sign more or to break them. */
  readonly certificates?: TestCertificates;
  readonly client: Client;
  readonly version: string;
  readonly #parts: InstanceParts;
  #rootfsCount = 0;
  #stopping: Promise<void> | undefined;

  constructor(parts: InstanceParts) {
    const { layout } = parts;
    this.#parts = parts;
    this.address = layout.socket;
    this.socket = layout.socket;
    this.root = layout.root;
    this.state = layout.state;
    this.dir = layout.dir;
    this.fifoDir = layout.fifoDir;
    this.logPath = layout.logPath;
    this.client = parts.client;
    this.version = parts.version;
    if (parts.metricsAddress) this.metricsAddress = parts.metricsAddress;
    if (parts.tcp) {
      const { daemonAddress, certificates, gateway } = parts.tcp;
      this.tcpAddress = gateway.address;
      this.daemonTcpAddress = `tcp://${daemonAddress}`;
      this.tls = {
        ca: certificates.ca,
        cert: certificates.clientCert,
        key: certificates.clientKey,
        serverName: "localhost",
      };
      this.certificates = certificates;
    }
  }

  async rootfs(): Promise<string> {
    this.#assertRunning("rootfs()");
    return busyboxRootfs(join(this.dir, `rootfs-${++this.#rootfsCount}`));
  }

  async rpcCounts(): Promise<RpcCounts> {
    if (!this.metricsAddress) {
      throw new Error("containerd-sdk/testing: rpcCounts() needs startContainerd({ metrics: true })");
    }
    return fetchRpcCounts(this.metricsAddress);
  }

  get pid(): number | undefined {
    return this.#parts.daemon.pid;
  }

  async restart(options?: RestartOptions): Promise<void> {
    const checked = optionsObject(options);
    const killSignal = checkKillSignal(checked, "restart()", "SIGTERM", ["SIGTERM", "SIGKILL"]);
    checkOptionKeys(checked, RESTART_KEYS);
    if (checked.whileDown !== undefined && typeof checked.whileDown !== "function") {
      throw invalid("whileDown", checked.whileDown, "must be a function");
    }
    this.#assertRunning("restart()");
    const { daemon, layout, namespace, startTimeout } = this.#parts;
    await daemon.stop({ killSignal });
    let downError: { error: unknown } | undefined;
    try {
      await checked.whileDown?.();
    } catch (error) {
      downError = { error };
    }
    const deadline = Date.now() + startTimeout;
    const exited = daemon.start();
    try {
      // A fresh probe connects at once; our client's channel may sit in reconnect backoff.
      const probe = await waitServing({
        socket: layout.socket,
        fifoDir: layout.fifoDir,
        namespace,
        timeout: startTimeout,
        exited,
      });
      await probe.close();
      await this.#waitClient(deadline);
    } catch (err) {
      throw await this.#parts.explainError(err);
    }
    debug("restarted containerd %d", daemon.pid);
    if (downError) throw downError.error;
  }

  async #waitClient(deadline: number): Promise<void> {
    for (;;) {
      try {
        await this.client.version({ timeout: Math.max(1, Math.min(1000, deadline - Date.now())) });
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
      await sleep(20);
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#teardown();
    return this.#stopping;
  }

  async #teardown(): Promise<void> {
    const started = performance.now();
    const { daemon, layout, namespace } = this.#parts;
    await this.client.close().catch(() => undefined);
    await this.#parts.tcp?.gateway.close();
    await daemon.stop();
    await teardown(layout, namespace);
    debug("stopped in %d ms", Math.round(performance.now() - started));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #assertRunning(what: string): void {
    if (this.#stopping) throw new Error(`containerd-sdk/testing: ${what} after stop()`);
  }
}
