import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { type OnReadOpts, Socket, type SocketConstructorOpts } from "node:net";
import { LineEncoder } from "./encoder.js";
import type { LogFiles } from "./files.js";
import { debug } from "./log.js";
import { type LoggerProcess, PIPE_READ_FLAGS, PIPE_WRITE_FLAGS } from "./proc.js";
import type { RotatingFile } from "./rotating-file.js";
import type { NanoClock } from "./timestamp.js";

/** @internal The record the daemon appends when a logger's pipes end (its task was deleted). */
export function endRecord(time: string): Buffer {
  return Buffer.from(`{"eof":true,"time":"${time}"}\n`);
}

interface Pipe {
  fd: number;
  socket: Socket;
  encoder: LineEncoder;
  ended: boolean;
}

/**
 * Every pipe of the daemon is read into this one buffer (`onread`), and each read is encoded and
 * written before the next: no allocation per read, so a burst leaves no fragmented malloc heap.
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * @internal One container's logger as the daemon serves it: the task's stdout and stderr pipes,
 * opened again through the logger's /proc entry, read as they fill and written as json-file
 * records. Ends when both pipes reach EOF (the shim closes them at task delete).
 */
export class AttachedLogger {
  readonly process: LoggerProcess;
  readonly #pipes: Pipe[];
  readonly #file: RotatingFile;
  readonly #files: LogFiles;
  readonly #clock: NanoClock;
  readonly #onEnd: () => void;

  /** Opens the pipes and the file, then writes the ready byte the shim waits for. Throws if a pipe cannot be opened. */
  constructor(proc: LoggerProcess, files: LogFiles, clock: NanoClock, onEnd: () => void) {
    this.process = proc;
    this.#files = files;
    this.#clock = clock;
    this.#onEnd = onEnd;
    const fds: number[] = [];
    try {
      for (const n of [3, 4]) fds.push(openSync(`/proc/${proc.pid}/fd/${n}`, PIPE_READ_FLAGS));
      this.#file = files.acquire(proc.config.path, proc.config);
    } catch (err) {
      for (const fd of fds) closeSync(fd);
      throw err;
    }
    this.#pipes = (["stdout", "stderr"] as const).map((stream, i) => this.#pipe(fds[i] as number, stream));
    signalReady(proc.pid);
  }

  #pipe(fd: number, stream: "stdout" | "stderr"): Pipe {
    const encoder = new LineEncoder(stream);
    // `onread` works with `fd` (Node reads the pipe into the buffer); @types/node lists it for connect only.
    const options: SocketConstructorOpts & { onread: OnReadOpts } = {
      fd,
      readable: true,
      writable: false,
      onread: {
        buffer: readBuffer,
        callback: (n: number, buffer: Uint8Array) => {
          this.#write(encoder.push(Buffer.from(buffer.buffer, buffer.byteOffset, n), this.#clock.now()));
          return true; // keep reading: the records are written already
        },
      },
    };
    const socket = new Socket(options);
    const pipe: Pipe = { fd, socket, encoder, ended: false };
    socket.on("end", () => this.#ended(pipe));
    socket.on("error", (err) => {
      debug("logger %d %s: %s", this.process.pid, stream, err.message);
      this.#ended(pipe);
    });
    return pipe;
  }

  /**
   * Reads whatever the pipes hold now (a reader asks before reading the file); with `flush`, writes
   * unfinished lines too (once the task exited nothing will finish them).
   */
  drain(flush: boolean): void {
    for (const pipe of this.#pipes) {
      if (pipe.ended) continue;
      for (;;) {
        let n: number;
        try {
          n = readSync(pipe.fd, readBuffer);
        } catch {
          break; // EAGAIN: empty
        }
        if (n === 0) break; // EOF: the socket reports it too
        this.#write(pipe.encoder.push(readBuffer.subarray(0, n), this.#clock.now()));
      }
      if (flush) this.#write(pipe.encoder.flush(this.#clock.now()));
    }
  }

  /** Stops reading (the daemon is stopping); what the pipes hold stays for the next daemon. */
  close(): void {
    for (const pipe of this.#pipes) pipe.socket.destroy();
    this.#files.release(this.#file);
  }

  #write(records: Buffer): void {
    try {
      this.#file.write(records);
    } catch (err) {
      debug("logger %d: writing %s: %s", this.process.pid, this.#file.path, (err as Error).message);
    }
  }

  #ended(pipe: Pipe): void {
    if (pipe.ended) return;
    pipe.ended = true;
    pipe.socket.destroy();
    const time = this.#clock.now();
    this.#write(pipe.encoder.flush(time));
    if (!this.#pipes.every((p) => p.ended)) return;
    this.#write(endRecord(time));
    this.#files.release(this.#file);
    this.#onEnd();
  }
}

/** Writes the byte the shim waits for on fd 5 (a second one, after a daemon restart, is harmless). */
function signalReady(pid: number): void {
  try {
    const fd = openSync(`/proc/${pid}/fd/5`, PIPE_WRITE_FLAGS);
    try {
      writeSync(fd, "1");
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    debug("logger %d: ready: %s", pid, (err as Error).message);
  }
}
