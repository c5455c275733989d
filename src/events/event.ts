/** One event from containerd's event stream, decoded. */
export interface ContainerdEvent {
  /** When containerd published it. */
  timestamp: Date;
  /** The namespace it happened in. */
  namespace: string;
  /** `/tasks/exit`, `/containers/create`, `/images/delete` … */
  topic: string;
  /** The payload's type URL, e.g. `containerd.events.TaskExit`. */
  typeUrl: string;
  /** The decoded payload (a plain object); raw bytes when the type is not known to the SDK. */
  event: unknown;
}

/** How a process ended, as containerd reported it. */
export interface ExitStatus {
  /** The exit code; 128+N when the process died of signal N. */
  exitCode: number;
  /** When the process exited. */
  exitedAt: Date;
}
