import { readFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { createServer, type TLSSocket } from "node:tls";
import { optionsObject } from "../base/call-options.js";
import { checkOptionKeys, optionKeys } from "../base/option-keys.js";
import { checkInteger, checkString } from "../base/validate.js";
import { debug } from "./log.js";

/** How {@link serveOverTls} exposes a containerd socket. */
export interface TlsGatewayOptions {
  /** containerd's unix socket, e.g. `/run/containerd/containerd.sock`. */
  socket: string;
  /** Interface to listen on. Default `"127.0.0.1"`. */
  host?: string;
  /** TCP port; default 0 (a free one, see `address`). */
  port?: number;
  /** PEM text, or the path of a PEM file: the CA client certificates must chain to. */
  ca: string | Buffer;
  /** This gateway's certificate (PEM text or path); clients check it against their `tls.ca`. */
  cert: string | Buffer;
  /** Its private key (PEM text or path). */
  key: string | Buffer;
}

/** A listening gateway; `close()` stops it and ends every connection through it. */
export interface TlsGateway extends AsyncDisposable {
  /** `tcp://host:port`, as `Client.connect({ address, tls })` takes it. */
  readonly address: string;
  readonly port: number;
  /** Stops listening and ends every connection through the gateway. */
  close(): Promise<void>;
}

const GATEWAY_KEYS = optionKeys<TlsGatewayOptions>()(["socket", "host", "port", "ca", "cert", "key"]);

async function pem(value: string | Buffer, field: string): Promise<Buffer> {
  if (Buffer.isBuffer(value)) return value;
  checkString(field, value);
  return value.includes("-----BEGIN") ? Buffer.from(value) : readFile(value);
}

/**
 * Serves containerd's whole gRPC API on TCP with mutual TLS, by forwarding each authenticated
 * connection to its unix socket. containerd's own `[grpc] tcp_address` cannot do this: it serves
 * only the services that register for TCP (CRI), not containers, tasks or events. Clients without a
 * certificate signed by `ca` are refused during the handshake, before a byte reaches containerd.
 *
 * @example
 * ```ts
 * await using gateway = await serveOverTls({ socket: "/run/containerd/containerd.sock", host: "0.0.0.0",
 *   port: 7443, ca: "/etc/containerd/tls/ca.pem", cert: "/etc/containerd/tls/server.pem", key: "/etc/containerd/tls/server.key" });
 * ```
 */
export async function serveOverTls(options: TlsGatewayOptions): Promise<TlsGateway> {
  options = optionsObject(options) as TlsGatewayOptions;
  checkOptionKeys(options, GATEWAY_KEYS);
  checkString("socket", options.socket);
  if (options.host !== undefined) checkString("host", options.host);
  if (options.port !== undefined) checkInteger("port", options.port, 0, 65535);
  const [ca, cert, key] = await Promise.all([
    pem(options.ca, "ca"),
    pem(options.cert, "cert"),
    pem(options.key, "key"),
  ]);
  const open = new Set<Socket>();
  const server = createServer(
    {
      ca,
      cert,
      key,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ["h2"],
      minVersion: "TLSv1.2",
    },
    (client: TLSSocket) => {
      const upstream = connect(options.socket);
      open.add(client).add(upstream);
      const end = (err?: Error): void => {
        if (err) debug("gateway connection to %s: %s", options.socket, err.message);
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      // HTTP/2 inside the TLS session is the same h2c containerd speaks on its socket.
      client.pipe(upstream).pipe(client);
      client.on("error", end).on("close", () => end());
      upstream.on("error", end).on("close", () => end());
    },
  );
  server.on("tlsClientError", (err) => debug("gateway refused a client: %s", err.message));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === "object" && bound ? bound.port : 0;
  const shown = host.includes(":") ? `[${host}]` : host;
  debug("gateway tcp://%s:%d → %s", shown, port, options.socket);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of open) socket.destroy();
      open.clear();
    });
    return closing;
  };
  return { address: `tcp://${shown}:${port}`, port, close, [Symbol.asyncDispose]: close };
}
