/**
 * gRPC calls over one `node:http2` session on containerd's unix socket: no resolver, load
 * balancer, subchannel or filter stack, which on a local socket only cost CPU. A session that
 * closes (a daemon restart) is replaced at the next call.
 *
 * @module
 */
import { type ClientHttp2Session, connect } from "node:http2";
import { connect as netConnect } from "node:net";
import { CHANNEL_CLOSED } from "../transport.js";
import { type CallRequest, H2Call } from "./call.js";

/**
 * Receive windows: a stream's large enough that a content read is not throttled by round trips,
 * the session's below Node's 10 MiB session memory cap, which paused streams would otherwise
 * overrun (the session then fails with ENHANCE_YOUR_CALM).
 */
const STREAM_WINDOW_BYTES = 1024 * 1024;
const SESSION_WINDOW_BYTES = 4 * 1024 * 1024;

/** @internal Options of {@link H2Channel}. */
export interface H2ChannelOptions {
  /** The largest message either way. */
  maxMessageBytes: number;
}

/** @internal A channel to the unix socket at `path`. */
export class H2Channel {
  readonly maxMessageBytes: number;
  #session: ClientHttp2Session | undefined;
  #closed = false;
  #active = 0;

  constructor(
    readonly path: string,
    options: H2ChannelOptions,
  ) {
    this.maxMessageBytes = options.maxMessageBytes;
  }

  /** Starts a call; one on a closed channel ends UNAVAILABLE at once. */
  call(request: CallRequest): H2Call {
    return new H2Call(this, request);
  }

  /** The live session, or a new one. */
  session(): ClientHttp2Session {
    if (this.#closed) throw new Error(CHANNEL_CLOSED);
    const current = this.#session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connect("http://localhost", {
      createConnection: () => netConnect(this.path),
      settings: { initialWindowSize: STREAM_WINDOW_BYTES },
    });
    session.on("error", () => {}); // each stream reports the failure as its status
    session.once("connect", () => session.setLocalWindowSize(SESSION_WINDOW_BYTES));
    const drop = () => {
      if (this.#session === session) this.#session = undefined;
    };
    session.once("close", drop);
    session.once("goaway", drop);
    if (this.#active === 0) session.unref();
    this.#session = session;
    return session;
  }

  /** An idle channel does not hold the process: the session is referenced only while calls run. */
  began(): void {
    if (this.#active++ === 0) this.#session?.ref();
  }

  ended(): void {
    if (--this.#active === 0) this.#session?.unref();
  }

  /**
   * No new calls, and the calls still open end UNAVAILABLE, as grpc-js ends them: a daemon that
   * never answers (frozen, say) must not hold the process.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    session?.destroy();
  }
}
