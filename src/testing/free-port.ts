import { createServer } from "node:net";

/**
 * @internal A loopback TCP port that was free a moment ago. Another process may take it before
 * containerd binds it; the caller retries on "address already in use".
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("containerd-sdk/testing: no free port"))));
    });
  });
}
