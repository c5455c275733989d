/**
 * The container label holding the StopSignal of the image a container was made from, as
 * containerd's Go client (`WithImageStopSignal`, read back by `GetStopSignal`) and nerdctl store it.
 */
export const STOP_SIGNAL_LABEL = "io.containerd.image.config.stop-signal";
