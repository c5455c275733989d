export { createFifoSet, type FifoSet, type FifoSetOptions } from "./fifo-set.js";
export { type FifoEnd, openFifoReader, openFifoWriter } from "./fifo-socket.js";
export { binaryLogUri, fileLogUri, type LogBinaryOption } from "./log-uri.js";
export type { ProcessIO, ProcessIOConfig } from "./process-io.js";
export { type AttachStdioOptions, attachStdio, type OpenStdioOptions, openStdio } from "./stdio.js";
export type { OutputOption, StdinOption, StdioOption, StdioSpec, StdioStreams } from "./stdio-options.js";
