/**
 * A grpc-js channel over one `node:http2` session on containerd's unix socket, for nice-grpc's
 * `channelOverride`: no resolver, load balancer, subchannel or filter stack, which on a local
 * socket only cost CPU. A session that closes (a daemon restart) is replaced at the next call.
 *
 * @module
 */
import { type ClientHttp2Session, connect } from "node:http2";
import { connect as netConnect } from "node:net";
import { type ChannelInterface, connectivityState, type Deadline } from "@grpc/grpc-js";
import { H2Call } from "./call.js";

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
export class H2Channel implements ChannelInterface {
  readonly target: string;
  readonly maxMessageBytes: number;
  #session: ClientHttp2Session | undefined;
  #closed = false;
  #active = 0;
  #calls = 0;
  #watchers = new Set<() => void>();

  constructor(
    readonly path: string,
    options: H2ChannelOptions,
  ) {
    this.target = `unix:${path}`;
    this.maxMessageBytes = options.maxMessageBytes;
  }

  createCall(method: string, deadline: Deadline): H2Call {
    if (this.#closed) throw new Error("Channel has been shut down");
    return new H2Call(method, deadline, this, ++this.#calls);
  }

  /** The live session, or a new one. */
  session(): ClientHttp2Session {
    if (this.#closed) throw new Error("Channel has been shut down");
    const current = this.#session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connect("http://localhost", {
      createConnection: () => netConnect(this.path),
      settings: { initialWindowSize: STREAM_WINDOW_BYTES },
    });
    session.on("error", () => {}); // each stream reports the failure as its status
    session.once("connect", () => {
      session.setLocalWindowSize(SESSION_WINDOW_BYTES);
      this.#changed();
    });
    const drop = () => {
      if (this.#session !== session) return;
      this.#session = undefined;
      this.#changed();
    };
    session.once("close", drop);
    session.once("goaway", drop);
    if (this.#active === 0) session.unref();
    this.#session = session;
    return session;
  }

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
    this.#changed();
  }

  getTarget(): string {
    return this.target;
  }

  getConnectivityState(tryToConnect: boolean): connectivityState {
    if (this.#closed) return connectivityState.SHUTDOWN;
    const session = this.#session;
    if (!session && tryToConnect) this.session();
    if (!this.#session) return connectivityState.IDLE;
    return this.#session.connecting ? connectivityState.CONNECTING : connectivityState.READY;
  }

  watchConnectivityState(
    current: connectivityState,
    deadline: Date | number,
    callback: (error?: Error) => void,
  ): void {
    if (this.getConnectivityState(false) !== current) return void setImmediate(callback);
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    const done = (error?: Error) => {
      clearTimeout(timer);
      this.#watchers.delete(changed);
      callback(error);
    };
    const changed = () => {
      if (this.getConnectivityState(false) !== current) done();
    };
    const timer = Number.isFinite(at)
      ? setTimeout(
          () => done(new Error("Deadline passed without connectivity state change")),
          Math.max(0, at - Date.now()),
        )
      : undefined;
    this.#watchers.add(changed);
  }

  getChannelzRef(): ReturnType<ChannelInterface["getChannelzRef"]> {
    // channelz is not served for this channel; the kind is grpc-js's const enum value.
    return { kind: "channel", id: 0, name: this.target } as unknown as ReturnType<
      ChannelInterface["getChannelzRef"]
    >;
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }
}
