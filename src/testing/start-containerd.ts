import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import type { Client } from "../client.js";
import { serveOverTls } from "../daemon/tls-gateway.js";
import {
  BINARIES_ENV,
  type ContainerdRelease,
  containerdBinary,
  envWithBinaries,
  readRelease,
} from "./binaries.js";
import { renderConfig } from "./config.js";
import { Daemon } from "./daemon.js";
import { freeLoopbackPort } from "./free-port.js";
import { Instance } from "./instance.js";
import { createLayout, type Layout } from "./layout.js";
import { debug } from "./log.js";
import { readTail } from "./log-tail.js";
import { assertRoot, resolveContainerd } from "./preflight.js";
import { teardown } from "./teardown.js";
import { createTestCertificates, type TestCertificates } from "./tls.js";
import type { ContainerdInstance, StartContainerdOptions } from "./types.js";
import { waitServing } from "./wait-serving.js";

const DEFAULT_START_TIMEOUT = 20_000;
const START_KEYS = optionKeys<StartContainerdOptions>()([
  "namespace",
  "metrics",
  "binary",
  "binaries",
  "tls",
  "startTimeout",
  "debug",
  "logLevel",
]);
// The metrics port is picked before containerd binds it; someone else may take it meanwhile.
const PORT_ATTEMPTS = 3;

async function explain(layout: Layout, err: unknown): Promise<Error> {
  const message = err instanceof Error ? err.message : String(err);
  const tail = await readTail(layout.logPath);
  return new Error(
    `containerd-sdk/testing: ${message}\n--- tail of ${layout.logPath} ---\n${tail || "(empty)"}`,
    { cause: err },
  );
}

interface Settings {
  namespace: string;
  startTimeout: number;
  logLevel: string;
  metrics: boolean;
  certificates?: TestCertificates;
  release: ContainerdRelease;
}

interface Launched {
  client: Client;
  metricsAddress?: string;
  tcpAddress?: string;
}

/** Starts the daemon and waits for it, retrying with another metrics port if that one was taken. */
async function launch(layout: Layout, daemon: Daemon, settings: Settings): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    const metricsAddress = settings.metrics ? `127.0.0.1:${await freeLoopbackPort()}` : undefined;
    const certs = settings.certificates;
    const tcpAddress = certs ? `127.0.0.1:${await freeLoopbackPort()}` : undefined;
    const tcp =
      certs && tcpAddress
        ? { address: tcpAddress, ca: certs.ca, cert: certs.serverCert, key: certs.serverKey }
        : undefined;
    await writeFile(
      layout.configPath,
      renderConfig({
        ...layout,
        metricsAddress,
        tcp,
        logLevel: settings.logLevel,
        major: settings.release.major,
      }),
    );
    const exited = daemon.start();
    try {
      const { namespace, startTimeout } = settings;
      const client = await waitServing({
        socket: layout.socket,
        fifoDir: layout.fifoDir,
        namespace,
        timeout: startTimeout,
        exited,
      });
      return { client, metricsAddress, tcpAddress };
    } catch (err) {
      await daemon.stop();
      const busy =
        (metricsAddress || tcpAddress) && /address already in use/.test(await readTail(layout.logPath));
      if (!busy || attempt >= PORT_ATTEMPTS) throw err;
      debug("port %s or %s was taken; retrying", metricsAddress, tcpAddress);
    }
  }
}

/**
 * Starts a private containerd as a child process, on a socket in a fresh temp dir, and connects a
 * client to it. Needs root, containerd and runc. Always `stop()` it (or `await using`): that
 * removes the daemon, its shims and containers, and every file, mount and cgroup it made.
 *
 * @example
 * ```ts
 * await using containerd = await startContainerd();
 * const rootfs = await containerd.rootfs();
 * await containerd.client.version();
 * ```
 */
export async function startContainerd(options?: StartContainerdOptions): Promise<ContainerdInstance> {
  options = optionsObject(options);
  checkOptionKeys(options, START_KEYS);
  assertRoot();
  const binaries = options.binaries ?? (options.binary ? undefined : process.env[BINARIES_ENV] || undefined);
  const binary = await resolveContainerd(containerdBinary(options.binary, binaries));
  const release = await readRelease(binary);
  const settings: Settings = {
    namespace: options.namespace ?? "default",
    startTimeout: options.startTimeout ?? DEFAULT_START_TIMEOUT,
    logLevel: options.logLevel ?? (options.debug ? "debug" : "info"),
    metrics: options.metrics ?? false,
    release,
  };
  const started = performance.now();
  const layout = await createLayout();
  const daemon = new Daemon(
    binary,
    layout.configPath,
    layout.socket,
    layout.logPath,
    envWithBinaries(binaries),
  );
  try {
    if (options.tls) settings.certificates = await createTestCertificates(join(layout.dir, "tls"));
    const { client, metricsAddress, tcpAddress } = await launch(layout, daemon, settings);
    const certs = settings.certificates;
    const gateway = certs
      ? await serveOverTls({
          socket: layout.socket,
          ca: certs.ca,
          cert: certs.serverCert,
          key: certs.serverKey,
        })
      : undefined;
    debug(
      "containerd %s (%d) serves after %d ms",
      release.version,
      daemon.pid,
      Math.round(performance.now() - started),
    );
    const { namespace, startTimeout } = settings;
    const explainError = (err: unknown) => explain(layout, err);
    return new Instance({
      layout,
      daemon,
      client,
      metricsAddress,
      namespace,
      startTimeout,
      explainError,
      version: release.version,
      ...(tcpAddress && certs && gateway
        ? { tcp: { daemonAddress: tcpAddress, certificates: certs, gateway } }
        : {}),
    });
  } catch (err) {
    await daemon.stop();
    const error = await explain(layout, err);
    await teardown(layout, settings.namespace).catch((cleanupError: Error) =>
      debug("cleanup after failed start: %s", cleanupError.message),
    );
    throw error;
  }
}
