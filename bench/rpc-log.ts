// Each RPC's time as the SDK's client sees it, taken from the `containerd-sdk:rpc` debug lines
// (`op=N /pkg.Service/Method ns=… X.Xms OK`), which the log middleware times around the call
// (the middleware below it, encoding, grpc-js, HTTP/2 and the daemon). Other debug output still
// goes to stderr.
import { format } from "node:util";
import createDebug from "debug";

/** One RPC: `Service/Method` and the client's milliseconds. */
export interface RpcTime {
  method: string;
  client_ms: number;
}

const LINE = /op=\d+ \/(?:[\w.]*\.)?(\w+\/\w+) ns=\S+ ([\d.]+)ms (\S+)/;

export class RpcLog {
  #calls: RpcTime[] = [];
  readonly #previousLog = createDebug.log;
  readonly #previousNamespaces = createDebug.disable();

  constructor() {
    createDebug.enable([this.#previousNamespaces, "containerd-sdk:rpc"].filter(Boolean).join(","));
    const previous = this.#previousLog;
    createDebug.log = (...args: unknown[]) => {
      const text = format(...args);
      const match = LINE.exec(text);
      if (match?.[1] && match[2]) this.#calls.push({ method: match[1], client_ms: Number(match[2]) });
      else previous(...args);
    };
  }

  /** The RPCs finished since the last take. */
  take(): RpcTime[] {
    const calls = this.#calls;
    this.#calls = [];
    return calls;
  }

  /** Restores debug's output and namespaces. */
  close(): void {
    createDebug.log = this.#previousLog;
    createDebug.enable(this.#previousNamespaces);
  }
}
