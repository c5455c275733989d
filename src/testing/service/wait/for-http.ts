import { poll } from "./poll.js";
import type { WaitStrategy } from "./types.js";

/** Options of `wait.forHttp`. */
export interface ForHttpOptions {
  /** The container port serving HTTP; the request goes to its published host port. */
  port: number;
  /** Default `/`. */
  path?: string;
  /** The status that means ready, or a test of it. Default 200. */
  status?: number | ((status: number) => boolean);
  /** Default `GET`. */
  method?: string;
}

const REQUEST_TIMEOUT_MS = 2_000;

/** The response status of one request without keep-alive, or 0 when none came. */
function statusOf(url: string, method: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    // As CommonJS: an ES import of node:http compiles undici at startup (images/pull/registry.ts).
    const req = process
      .getBuiltinModule("node:http")
      .request(url, { method, agent: false, signal, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
    req.once("timeout", () => req.destroy());
    req.once("error", (err) => (signal.aborted ? reject(signal.reason ?? err) : resolve(0)));
    req.end();
  });
}

/** Ready once an HTTP request from the host to the published `port` answers with `status`. */
export function forHttp(options: ForHttpOptions): WaitStrategy {
  const { port, path = "/", method = "GET", status = 200 } = options;
  const accepts = typeof status === "function" ? status : (s: number) => s === status;
  return {
    description: `HTTP ${method} ${path} on port ${port}`,
    async waitUntilReady(target, signal) {
      const url = `http://${target.host}:${target.port(port)}${path}`;
      await poll(signal, async (inner) => accepts(await statusOf(url, method, inner)));
    },
  };
}
