import { InvalidArgumentError } from "../errors/index.js";
import type { StdioPlan } from "./stdio-options.js";

const WHY =
  "needs FIFOs on containerd's host, and this client reaches containerd over TCP (perhaps on another " +
  'host); use logPath, logBinary or stdio "ignore"';

/** @internal Whether a validated plan makes FIFOs: any stream other than none, and no log URI. */
export function planNeedsFifos(plan: StdioPlan): boolean {
  if (plan.logUri !== undefined) return false;
  return [plan.stdin, plan.stdout, plan.stderr].some((p) => p.kind !== "none");
}

/**
 * @internal Refuses stdio that needs FIFOs on a remote client, before anything is made or sent: the
 * shim opens FIFO paths on its own host, where ours do not exist.
 */
export function refuseRemoteFifos(what: string, field = "stdio"): never {
  throw new InvalidArgumentError(`${field}: ${what} ${WHY}`, { field });
}
