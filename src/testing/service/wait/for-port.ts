import { poll } from "./poll.js";
import { listensOn } from "./proc-net-tcp.js";
import { tcpAccepts } from "./tcp-connect.js";
import type { WaitStrategy } from "./types.js";

/**
 * Ready once the task listens on TCP `containerPort` inside its network namespace (read from the
 * host's `/proc/<pid>/net/tcp` and `tcp6`, no exec) and its published host port accepts a connection.
 */
export function forPort(containerPort: number): WaitStrategy {
  return {
    description: `port ${containerPort}`,
    async waitUntilReady(target, signal) {
      const hostPort = target.port(containerPort);
      await poll(
        signal,
        async (inner) =>
          (await listensOn(target.task.pid, containerPort)) && tcpAccepts(target.host, hostPort, inner),
      );
    },
  };
}
