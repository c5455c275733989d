// PING over a plain TCP socket, as a test's first redis call would: what "ready" means to a caller,
// whatever the side's own wait said.
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Whether redis on 127.0.0.1:`port` answers `+PONG` now. False on a refused or reset connect, or one
 * closed without an answer: Docker's userland proxy accepts before redis listens, then hangs up.
 */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      reply += chunk;
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG\r\n"));
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}

/** Sends PING until 127.0.0.1:`port` answers `+PONG` (2 ms between tries); rejects after 60 s. */
export async function untilPong(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await pong(port))) {
    if (Date.now() > deadline) throw new Error(`redis on 127.0.0.1:${port} never answered PING`);
    await sleep(2);
  }
}
