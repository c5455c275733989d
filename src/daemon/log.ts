import createDebug from "debug";

/** @internal The `containerd-sdk:daemon` namespace. */
export const debug = createDebug("containerd-sdk:daemon");
