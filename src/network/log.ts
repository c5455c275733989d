import createDebug from "debug";

/** The network module's debug namespace; enable with `DEBUG=containerd-sdk:network`. */
export const debug = createDebug("containerd-sdk:network");
