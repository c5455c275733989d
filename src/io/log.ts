import createDebug from "debug";

/** The io module's debug namespace; enable with `DEBUG=containerd-sdk:io`. */
export const debug = createDebug("containerd-sdk:io");
