import type { EventHub } from "../events/hub.js";
import type { FifoPool } from "../io/fifo-pool.js";
import type { Networks } from "../network/index.js";
import type { RawServices } from "../rpc/services.js";

/** What the handles of one namespace view share: stubs, the event hub, and defaults. */
export interface HandleContext {
  readonly services: RawServices;
  readonly hub: EventHub;
  readonly namespace: string;
  /**
   * FIFOs made ahead under its `fifoDir`, where the per-process FIFO directories go; shared by every
   * view of the connection.
   */
  readonly fifoPool: FifoPool;
  /** The daemon is reached over TCP (maybe another host): no FIFOs, so no piped stdio. */
  readonly remote?: boolean;
  /** The view's networks: containers attach at create and detach at delete. */
  readonly networks: Networks;
}
