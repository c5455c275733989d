import { connect } from "node:net";

const CONNECT_TIMEOUT_MS = 1_000;

/**
 * @internal Whether `host:port` accepts a TCP connection within a second; the socket is closed at
 * once. Rejects with the signal's reason when it aborts.
 */
export function tcpAccepts(host: string, port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, signal });
    const finish = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", (err) => (signal.aborted ? reject(signal.reason ?? err) : finish(false)));
  });
}
