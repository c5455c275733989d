import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { Socket } from "node:net";
import { InvalidArgumentError } from "../errors/index.js";
import { debug } from "./log.js";

// Every open here is O_NONBLOCK (or O_RDWR, which never waits on a FIFO), so it returns at once on the
// main thread. A blocking open would park one of libuv's four pool threads until the shim shows up,
// and a few of those freeze every fs call in the process. Wrapping the fd in a net.Socket makes libuv
// drive it with epoll, as it does any pipe.
const { O_RDONLY, O_RDWR, O_NONBLOCK } = constants;

/**
 * One end of a FIFO as a socket, plus a placeholder descriptor on the same FIFO that keeps the pipe
 * alive and EOF away until the shim is known to hold its end.
 */
export interface FifoEnd {
  /** The FIFO's path. */
  readonly path: string;
  /** Readable only (stdout, stderr) or writable only (stdin); owns its descriptor. */
  readonly socket: Socket;
  /** Resolves once the socket has closed (its descriptor with it), however that came about. */
  readonly closed: Promise<void>;
  /**
   * Closes the placeholder. For a reader: until then it cannot see EOF, whatever writers come and go;
   * after, it sees EOF as soon as no other writer holds the FIFO (at once if none ever opened it). For a
   * writer: until then the pipe and the bytes in it survive our socket being ended. Idempotent.
   */
  release(): void;
  /** Destroys the socket (closing its descriptor) and releases the placeholder. Idempotent. */
  destroy(): void;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch (err) {
    debug("close(%d) failed: %s", fd, err);
  }
}

/** Opens an O_RDWR descriptor on the FIFO at `path` and returns an idempotent closer for it. */
function holdPlaceholder(path: string): () => void {
  // O_RDWR never waits on a FIFO and counts as a reader and a writer, so the pipe (and any bytes in it)
  // lives on and cannot reach EOF while we hold it.
  let fd = openSync(path, O_RDWR | O_NONBLOCK);
  return () => {
    // A closed fd number is reused by the next open, so close it exactly once.
    if (fd < 0) return;
    closeQuietly(fd);
    fd = -1;
    debug("released placeholder on %s", path);
  };
}

function openEnd(path: string, field: string, access: number, readable: boolean): FifoEnd {
  const fd = openSync(path, access | O_NONBLOCK);
  let release: (() => void) | undefined;
  let socket: Socket;
  try {
    if (!fstatSync(fd).isFIFO()) {
      throw new InvalidArgumentError(`${field}: ${path} is not a FIFO`, { field });
    }
    release = holdPlaceholder(path);
    socket = new Socket({ fd, readable, writable: !readable });
  } catch (err) {
    closeQuietly(fd);
    release?.();
    throw err;
  }
  const releasePlaceholder = release;
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    path,
    socket,
    closed,
    release: releasePlaceholder,
    destroy() {
      socket.destroy();
      releasePlaceholder();
    },
  };
}

/**
 * Opens `path` for reading (stdout, stderr) without blocking. The socket is readable only and ends
 * once the FIFO has no writer left after {@link FifoEnd.release}. An unread socket stops reading at
 * its high-water mark, the pipe fills and the writer blocks: backpressure reaches the container.
 *
 * @param field names the stream in errors (`"stdout"`, `"stderr"`).
 * @throws the `open(2)` error (ENOENT…), or InvalidArgumentError naming `field` when `path` is not a FIFO.
 */
export function openFifoReader(path: string, field = "stdout"): FifoEnd {
  return openEnd(path, field, O_RDONLY, true);
}

/**
 * Opens `path` for writing (stdin). O_RDWR rather than O_WRONLY: O_WRONLY|O_NONBLOCK fails with ENXIO
 * until a reader exists, while O_RDWR always succeeds and whatever is written before the shim reads
 * waits in the pipe; the descriptor is never read. Backpressure is the socket's: `write()` returns
 * false once the pipe is full, `'drain'` follows when the reader catches up. Ending the socket closes
 * our descriptor; the process sees EOF once, in addition, the placeholder is released and the shim's
 * own writer is closed (Tasks.CloseIO).
 *
 * @param field names the stream in errors.
 * @throws the `open(2)` error (ENOENT…), or InvalidArgumentError naming `field` when `path` is not a FIFO.
 */
export function openFifoWriter(path: string, field = "stdin"): FifoEnd {
  return openEnd(path, field, O_RDWR, false);
}
