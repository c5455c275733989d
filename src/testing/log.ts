import createDebug from "debug";

/** @internal The harness's only output channel: enable with `DEBUG=containerd-sdk:testing`. */
export const debug = createDebug("containerd-sdk:testing");
