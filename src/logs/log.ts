import createDebug from "debug";

/** The logs module's debug namespace; enable with `DEBUG=containerd-sdk:logs`. */
export const debug = createDebug("containerd-sdk:logs");
