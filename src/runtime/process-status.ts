import { Status } from "../gen/github.com/containerd/containerd/api/types/task/task.js";

/** A process's state as containerd reports it. */
export type ProcessState = "created" | "running" | "stopped" | "paused" | "pausing" | "unknown";

/** What `status()` resolves to. */
export interface ProcessStatus {
  status: ProcessState;
  /** Set once the process has stopped. */
  exitCode?: number;
  exitedAt?: Date;
}

const states: Record<number, ProcessState> = {
  [Status.CREATED]: "created",
  [Status.RUNNING]: "running",
  [Status.STOPPED]: "stopped",
  [Status.PAUSED]: "paused",
  [Status.PAUSING]: "pausing",
};

/** @internal containerd's task Status enum as a string union. */
export function toProcessState(status: Status): ProcessState {
  return states[status] ?? "unknown";
}
